// Storage benchmark: a burst of 1,000 fills recorded at once through the journal's write queue
// on the embedded database (PGlite). Figures: the wall time until every fill is stored, the
// longest event-loop stall while the burst is written (what a bot's timers would feel), and the
// transactions it took. The journal test proves the batching and that the loop gets turns; the
// milliseconds live here, as medians, because a shared machine makes them noisy.
import { performance } from 'node:perf_hooks';
import { fill, pgliteBackend, seedBot } from '@mm/storage/test-support/fixtures';
import type { Benchmark } from './types.ts';

const BURST = 1_000;

async function fillBurst(): Promise<Record<string, number>> {
  const storage = await pgliteBackend.open();
  try {
    const botId = await seedBot(storage);
    const queue = (storage as unknown as { queue: { batchesWritten: number } }).queue;
    const batchesBefore = queue.batchesWritten;
    let maxGap = 0;
    let last = performance.now();
    let ticking = true;
    const tick = (): void => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const started = performance.now();
    await Promise.all(Array.from({ length: BURST }, (_, i) => storage.journal.recordFill(botId, 'sim', fill({ tradeId: `bench-${i}` }), 'mm')));
    const elapsed = performance.now() - started;
    ticking = false;
    return {
      'storage.fill_burst_1000_ms': elapsed,
      'storage.fill_burst_max_loop_gap_ms': maxGap,
      'storage.fill_burst_transactions': queue.batchesWritten - batchesBefore,
    };
  } finally {
    await storage.close();
  }
}

export const storageBenchmarks: Benchmark[] = [
  {
    name: 'storage.fill_burst',
    description: '1,000 fills at once on embedded PGlite: time until stored, longest event-loop gap, transactions',
    run: fillBurst,
  },
];
