// Preloaded into the measured server (node --import): every MM_MEMORY_PROBE_MS it appends one JSON
// line of process.memoryUsage() to the file MM_MEMORY_PROBE, the heap after a full collection
// when --expose-gc is on (the live heap, not garbage that happens to be waiting). Plain
// JavaScript, so the production bundle, which runs without tsx, can load it too.
import { appendFileSync } from 'node:fs';

const file = process.env.MM_MEMORY_PROBE;
const every = Number(process.env.MM_MEMORY_PROBE_MS ?? 5_000);
const started = Date.now();
if (file) {
  setInterval(() => {
    const rss = process.memoryUsage.rss();
    globalThis.gc?.();
    const m = process.memoryUsage();
    appendFileSync(file, `${JSON.stringify({ at: Date.now() - started, rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external })}\n`);
  }, every).unref();
}
