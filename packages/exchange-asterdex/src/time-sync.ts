// Keeps our idea of the venue's clock. V1 signed requests carry a millisecond timestamp that
// must fall inside recvWindow of server time; V3 nonces must be within ±10 s. A local clock
// that drifts would get every order refused, so the offset is measured against GET time and
// applied to both.
import type { Clock } from '@mm/core';

export class ServerTime {
  private offset = 0;

  constructor(private readonly clock: Clock) {}

  /** Venue time now, in ms. */
  now(): number {
    return this.clock.now() + this.offset;
  }

  get offsetMs(): number {
    return this.offset;
  }

  /**
   * Measures the offset with one round trip, assuming the server read its clock half-way
   * through. Returns the new offset.
   */
  async sync(fetchServerTime: () => Promise<number>): Promise<number> {
    const sent = this.clock.now();
    const serverTime = await fetchServerTime();
    const received = this.clock.now();
    this.offset = Math.round(serverTime - (sent + received) / 2);
    return this.offset;
  }
}
