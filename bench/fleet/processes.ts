// The benchmark's child processes (the server, the runners): their output kept for error
// messages, a wait for the line that says they are up, and a stop that always ends them, even
// when the benchmark itself fails or is interrupted.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TAIL_CHARS = 4_000;
const live = new Set<ChildProcess>();
let exitHook = false;

/** Whatever is still running when this process exits is killed (a crash, an uncaught error, ^C). */
function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of live) child.kill('SIGKILL');
      process.exit(130);
    });
  }
}

export class Child {
  readonly process: ChildProcess;
  private output = '';
  private readonly exited: Promise<number | null>;

  constructor(
    readonly label: string,
    args: readonly string[],
    options: { cwd: string; env: NodeJS.ProcessEnv },
  ) {
    installExitHook();
    this.process = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this.process);
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-TAIL_CHARS);
    };
    this.process.stdout!.on('data', keep);
    this.process.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.process.once('exit', (code) => {
        live.delete(this.process);
        resolve(code);
      });
    });
  }

  get pid(): number {
    return this.process.pid!;
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** The last few thousand characters it wrote. */
  tail(): string {
    return this.output;
  }

  /** Resolves with the first match of `pattern` in its output; rejects if it exits or takes longer than `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => done(new Error(`${this.label} did not print ${pattern} within ${timeoutMs / 1000} s:\n${this.output}`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        seen += chunk.toString();
        const match = pattern.exec(seen);
        if (match !== null) done(undefined, match);
      };
      const onExit = (code: number | null) => done(new Error(`${this.label} exited (${code}) before it printed ${pattern}:\n${this.output}`));
      const done = (error?: Error, match?: RegExpExecArray) => {
        clearTimeout(timer);
        this.process.stdout!.off('data', onData);
        this.process.off('exit', onExit);
        if (error !== undefined) reject(error);
        else resolve(match!);
      };
      this.process.stdout!.on('data', onData);
      this.process.once('exit', onExit);
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with how long it took to exit, in ms. */
  async stop(graceMs: number): Promise<number> {
    const started = Date.now();
    if (!this.running) return 0;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    return Date.now() - started;
  }
}

/** VmRSS and VmHWM of a process, in MB. */
export function procMemoryMb(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(/\d+/.exec(status.split('\n').find((l) => l.startsWith(key)) ?? '0')?.[0] ?? 0);
  return { rss: kb('VmRSS:') / 1024, hwm: kb('VmHWM:') / 1024 };
}
