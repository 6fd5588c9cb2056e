// A sweep worker thread: runs the backtests it is sent, one at a time, and answers with summaries.
import { parentPort } from 'node:worker_threads';
import { runBacktest } from '../run.ts';
import { summarize } from './summary.ts';
import type { WorkerReply, WorkerTask } from './pool.ts';

const port = parentPort;
if (port === null) throw new Error('sweep/worker.ts runs only as a worker thread');

port.on('message', (task: WorkerTask) => {
  runBacktest(task.spec, { hours: task.hours, seed: task.seed }).then(
    (report) => port.postMessage({ index: task.index, summary: summarize(report) } satisfies WorkerReply),
    (error: unknown) => port.postMessage({ index: task.index, error: error instanceof Error ? error.message : String(error) } satisfies WorkerReply),
  );
});
