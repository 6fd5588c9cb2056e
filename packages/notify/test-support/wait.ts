// Waiting on real I/O from tests: polls a condition on wall-clock time (the notifier under test
// may run on a SimClock; the local HTTP servers do not).

export async function waitFor(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Lets pending I/O callbacks and promise continuations run. */
export async function settle(ms = 20): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** The parts of a SimClock that `runSimUntil` drives (kept structural so tests pass their own). */
export interface SimDriver {
  nextEventTime(): number | undefined;
  runUntil(time: number): Promise<void>;
}

/**
 * Drives simulated time while real I/O runs: waits (wall clock) until nothing is in flight, then
 * jumps the clock to its next timer, until `done` holds. A sender on a SimClock thus experiences
 * Telegram's rate limits and retry_after exactly, without the test waiting for them.
 */
export async function runSimUntil(
  clock: SimDriver,
  done: () => boolean,
  quiet: () => boolean,
  options: { readonly timeoutMs?: number; readonly maxTime?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    await waitFor(() => quiet() || done(), Math.max(1, deadline - Date.now()), 'requests in flight to settle');
    if (done()) return;
    const next = clock.nextEventTime();
    if (next === undefined || (options.maxTime !== undefined && next > options.maxTime)) {
      await settle(10);
      if (done()) return;
      throw new Error('simulation ran out of timers before the condition held');
    }
    await clock.runUntil(next);
    if (Date.now() > deadline) throw new Error('runSimUntil timed out');
  }
}
