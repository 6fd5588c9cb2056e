// A local webhook receiver: records each POST (headers, raw body, parsed JSON) and answers with
// scripted statuses, or not at all.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { waitFor } from './wait.ts';

export interface ReceivedHook {
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
  readonly json: Record<string, unknown>;
  readonly at: number;
}

interface Scripted {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export class FakeWebhookServer {
  /** Every request, including the ones answered with an error. */
  readonly requests: ReceivedHook[] = [];
  /** Requests answered 2xx. */
  readonly accepted: ReceivedHook[] = [];
  hang = false;
  private readonly script: Scripted[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(path = '/hooks/abc/SECRETPATHTOKEN'): Promise<FakeWebhookServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeWebhookServer(server, `http://127.0.0.1:${port}${path}`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => fake.receive(req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    return fake;
  }

  /** The next `count` requests get this answer. */
  respondNext(count: number, status: number, headers?: Record<string, string>, body?: string): void {
    for (let i = 0; i < count; i++) this.script.push({ status, ...(headers === undefined ? {} : { headers }), ...(body === undefined ? {} : { body }) });
  }

  waitFor(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
    return waitFor(predicate, timeoutMs, what);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private receive(headers: IncomingHttpHeaders, raw: string, res: ServerResponse): void {
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      json = {};
    }
    const hook = { headers, raw, json, at: performance.now() };
    this.requests.push(hook);
    if (this.hang) return;
    const scripted = this.script.shift();
    const status = scripted?.status ?? 204;
    if (status >= 200 && status < 300) this.accepted.push(hook);
    res.writeHead(status, { 'content-type': 'application/json', ...scripted?.headers });
    res.end(scripted?.body ?? '');
  }
}
