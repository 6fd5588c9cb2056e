// V3 nonces: the venue wants the current time in microseconds (within ±10 s of its clock),
// never reused per user, and rejects one below the minimum of the last 100 it saw. Our clock
// only has milliseconds, so each nonce is the larger of "now in µs" and "previous + 1", which
// keeps them unique and increasing even for bursts. Every client of one user in this process
// shares one generator (two bots on one account would otherwise collide within a millisecond);
// each caller passes its own server time, and a random sub-millisecond start makes a collision
// with another process on the same account unlikely.
export class MicrosecondNonce {
  private last = 0;

  /** `nowMs`: venue time in ms; `subMicros`: an integer in [0, 1000) (0 for clock-aligned nonces). */
  next(nowMs: number, subMicros = 0): number {
    const candidate = Math.floor(nowMs) * 1000 + Math.min(999, Math.max(0, Math.floor(subMicros)));
    this.last = candidate > this.last ? candidate : this.last + 1;
    return this.last;
  }
}

const shared = new Map<string, MicrosecondNonce>();

/** The process-wide generator of one V3 user. */
export function nonceFor(user: string): MicrosecondNonce {
  const key = user.toLowerCase();
  let nonce = shared.get(key);
  if (nonce === undefined) {
    nonce = new MicrosecondNonce();
    shared.set(key, nonce);
  }
  return nonce;
}
