// The server as a real child process (npm start or the server entry), for start-up, shutdown and
// crash tests.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A port free now; the next call may hand out the same one once it was closed. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/** `count` different free ports: all are held open until each is known, so none repeats. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (srv) =>
          new Promise<number>((resolve, reject) => {
            srv.on('error', reject);
            srv.listen(0, '127.0.0.1', () => resolve((srv.address() as { port: number }).port));
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((srv) => new Promise((resolve) => (srv.listening ? srv.close(resolve) : resolve(undefined)))));
  }
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly base: string;
  readonly output: string[];
  waitForHealth(timeoutMs: number): Promise<void>;
  login(password: string): Promise<string>;
  get(path: string, cookie: string): Promise<unknown>;
  /** A POST without a body; throws unless the answer is 2xx. */
  post(path: string, cookie: string): Promise<unknown>;
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnServer(options: { entry: 'npm-start' | 'server'; dataDir: string; port: number; env?: Record<string, string> }): ServerProcess {
  const args = options.entry === 'npm-start' ? ['scripts/start.mjs'] : ['--import', 'tsx', 'apps/server/src/main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: options.dataDir, PORT: String(options.port), LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const base = `http://127.0.0.1:${options.port}`;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    base,
    output,
    async waitForHealth(timeoutMs) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        try {
          const res = await fetch(`${base}/api/health`);
          if (res.ok) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > until) throw new Error(`the server did not become healthy in ${timeoutMs} ms:\n${output.join('')}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async login(password) {
      const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
      if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    },
    async get(path, cookie) {
      const res = await fetch(`${base}${path}`, { headers: { cookie } });
      return res.json();
    },
    async post(path, cookie) {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers: { cookie } });
      if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    },
    exited: () => exit,
  };
}
