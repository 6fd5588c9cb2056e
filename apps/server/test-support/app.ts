// An in-process server on a throwaway data directory, with log lines captured for inspection.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../src/app.ts';
import type { App } from '../src/app.ts';
import { loadEnv } from '../src/env.ts';

export interface TestServer {
  readonly app: App;
  readonly base: string;
  readonly logs: string[];
  /** Cookie header of a logged-in admin. */
  readonly cookie: string;
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown; text: string; headers: Headers }>;
  close(): Promise<void>;
}

export const ADMIN_PASSWORD = 'correct horse battery staple';

export interface TestServerOptions {
  /** Reuse this data directory (a restart) and leave it in place on close; the admin logs in. */
  readonly dataDir?: string;
}

export async function startTestServer(env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'mm-server-'));
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const app = await createApp({ env: loadEnv({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', STOP_DEADLINE_MS: '3000', ...env }), logStream });
  const address = await app.listen();
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(address + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
  const setup = await request('POST', '/api/setup', { password: ADMIN_PASSWORD });
  const session = setup.status === 409 ? await request('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD }) : setup;
  const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return {
    app,
    base: address,
    logs,
    cookie,
    request,
    close: async () => {
      await app.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
