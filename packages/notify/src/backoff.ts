// Exponential back-off without jitter (time and randomness are injected elsewhere; a notifier
// has one connection per destination, so there is no herd to spread).

/** Delay before retry number `attempt` (1 = first retry): base, 2×base, 4×base… capped at max. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  const exponent = Math.min(Math.max(0, attempt - 1), 30);
  return Math.min(maxMs, baseMs * 2 ** exponent);
}
