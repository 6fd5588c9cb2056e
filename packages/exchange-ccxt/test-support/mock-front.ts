// A front for the Asterdex mock, between ccxt and the mock (same process, random port):
// - REST is forwarded byte for byte and every request is recorded with its headers, query and
//   body, so tests can prove what left the adapter (no fee, broker or referral field);
// - websockets are piped to the mock, with faults the mock lacks: a stream kind can be cut and
//   kept down (new connections refused) until restored.
import { request as httpRequest, createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { AsterMockServer } from '@mm/exchange-asterdex/test-support';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  status: number;
}

export type StreamKind = 'private' | 'market';

interface Pipe {
  readonly kind: StreamKind;
  readonly client: WebSocket;
  readonly upstream: WebSocket;
}

function kindOf(path: string): StreamKind {
  return path.startsWith('/ws/') && !path.includes('@') ? 'private' : 'market';
}

/** ccxt's `urls.api` of its aster class, pointed at an Aster (mock) venue. */
export function asterApiUrls(restUrl: string, wsUrl: string): Record<string, unknown> {
  return {
    fapiPublic: `${restUrl}/fapi`,
    fapiPrivate: `${restUrl}/fapi`,
    sapiPublic: `${restUrl}/api`,
    sapiPrivate: `${restUrl}/api`,
    ws: { public: { spot: `${wsUrl}/stream`, swap: `${wsUrl}/stream` }, private: { spot: `${wsUrl}/ws`, swap: `${wsUrl}/ws` } },
  };
}

export class MockFront {
  readonly requests: RecordedRequest[] = [];
  private readonly pipes = new Set<Pipe>();
  private readonly down = new Set<StreamKind>();
  private readonly wss: WebSocketServer;

  private constructor(
    private readonly mock: AsterMockServer,
    private readonly server: Server,
    private readonly port: number,
  ) {
    // upgrades are handled here so a cut stream is refused before any socket opens
    this.wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (this.down.has(kindOf(req.url ?? '/'))) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.forward(req, res));
  }

  static async start(mock: AsterMockServer): Promise<MockFront> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new MockFront(mock, server, (server.address() as AddressInfo).port);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** ccxt `urls.api` for the aster class, everything through this front. */
  get asterUrls(): Record<string, unknown> {
    return asterApiUrls(this.url, this.wsUrl);
  }

  /** Drops the stream's sockets once; reconnecting is allowed. */
  drop(kind: StreamKind): void {
    for (const p of this.pipes) if (p.kind === kind) p.client.terminate();
  }

  /** Drops the stream's sockets and refuses new ones until restore(). */
  cut(kind: StreamKind): void {
    this.down.add(kind);
    this.drop(kind);
  }

  restore(kind: StreamKind): void {
    this.down.delete(kind);
  }

  connections(kind: StreamKind): number {
    return [...this.pipes].filter((p) => p.kind === kind).length;
  }

  async close(): Promise<void> {
    for (const p of this.pipes) {
      p.client.terminate();
      p.upstream.terminate();
    }
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---------------------------------------------------------------- REST

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const record: RecordedRequest = { method: req.method ?? 'GET', path: q < 0 ? url : url.slice(0, q), query: q < 0 ? '' : url.slice(q + 1), body: body.toString('utf8'), headers, status: 0 };
      this.requests.push(record);
      const target = new URL(url, this.mock.restUrl);
      const upstream = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
        record.status = answer.statusCode ?? 0;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => {
        record.status = 502;
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  }

  // ---------------------------------------------------------------- websockets

  private onConnection(client: WebSocket, req: IncomingMessage): void {
    const path = req.url ?? '/';
    const kind = kindOf(path);
    const upstream = new WebSocket(`${this.mock.wsUrl}${path}`);
    const pipe: Pipe = { kind, client, upstream };
    this.pipes.add(pipe);
    const pending: string[] = [];
    upstream.on('open', () => {
      for (const text of pending.splice(0)) upstream.send(text);
    });
    upstream.on('message', (data) => {
      if (client.readyState === client.OPEN) client.send(String(data));
    });
    client.on('message', (data) => {
      const text = String(data);
      if (upstream.readyState === upstream.OPEN) upstream.send(text);
      else pending.push(text);
    });
    const end = (): void => {
      this.pipes.delete(pipe);
      client.terminate();
      upstream.terminate();
    };
    upstream.on('close', end);
    upstream.on('error', end);
    client.on('close', end);
    client.on('error', end);
  }
}
