// A pool of worker threads for a sweep: each worker runs one backtest at a time and takes the
// next when it is done, so the machine's cores stay busy until the grid is through.
//
// The workers run the TypeScript sources. On Node 20 a worker's `execArgv: ['--import', 'tsx']`
// does not give it tsx's loader before its entry module loads (nodejs/node#47747,
// privatenumber/tsx#354), so a worker starts from a tiny bootstrap that registers tsx through its
// API and then imports the real entry.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BacktestSpec } from '../types.ts';
import type { RunSummary } from './summary.ts';

export interface WorkerTask {
  readonly index: number;
  readonly spec: BacktestSpec;
  readonly hours: number;
  readonly seed: number;
}

export type WorkerReply = { readonly index: number; readonly summary: RunSummary } | { readonly index: number; readonly error: string };

export interface PoolOptions {
  /** Threads to use (default: the machine's available parallelism), at most one per task. */
  readonly workers?: number;
  /** Called as each run finishes, in finishing order. */
  readonly onDone?: (reply: WorkerReply, done: number, total: number) => void;
}

const ENTRY = new URL('./worker.ts', import.meta.url).href;

function bootstrap(): string {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(ENTRY)}); });`;
}

/** Runs every task in worker threads; replies come back in task order. */
export async function runInWorkers(tasks: readonly WorkerTask[], options: PoolOptions = {}): Promise<WorkerReply[]> {
  const replies = new Map<number, WorkerReply>();
  if (tasks.length === 0) return [];
  const threads = Math.max(1, Math.min(options.workers ?? availableParallelism(), tasks.length));
  const code = bootstrap();
  let next = 0;

  await new Promise<void>((resolve) => {
    let live = 0;
    const finish = (reply: WorkerReply) => {
      replies.set(reply.index, reply);
      options.onDone?.(reply, replies.size, tasks.length);
    };
    const spawn = () => {
      const worker = new Worker(code, { eval: true });
      live++;
      let current: WorkerTask | undefined;
      const feed = () => {
        current = tasks[next++];
        if (current === undefined) {
          void worker.terminate();
          return;
        }
        worker.postMessage(current);
      };
      worker.on('message', (reply: WorkerReply) => {
        current = undefined;
        finish(reply);
        feed();
      });
      // a crashed thread fails its run only; a fresh thread takes over the rest of its share
      worker.on('error', (error) => {
        if (current !== undefined) finish({ index: current.index, error: error.message });
        current = undefined;
      });
      worker.on('exit', () => {
        live--;
        if (current !== undefined) finish({ index: current.index, error: 'the worker thread exited during the run' });
        if (next < tasks.length) spawn();
        else if (live === 0) resolve();
      });
      feed();
    };
    for (let i = 0; i < threads; i++) spawn();
  });
  return tasks.map((t) => replies.get(t.index) ?? { index: t.index, error: 'no result' });
}
