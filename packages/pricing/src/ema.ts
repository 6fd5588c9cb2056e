// A time-based EMA: the weight of each new sample depends on the time since the previous one, so
// bursts of updates do not over-weight a moment and quiet periods catch up in one step.
import { fx } from '@mm/core';
import type { Fixed } from '@mm/core';
import { emaAlpha } from './half-life.ts';

export class TimeEma {
  private current: Fixed | undefined;
  private at = 0;

  constructor(readonly halfLifeMs: number) {}

  /** Folds in a sample observed at `at` (ms). The first sample starts the average. */
  update(sample: Fixed, at: number): void {
    if (this.current === undefined) {
      this.current = sample;
      this.at = at;
      return;
    }
    // an out-of-order sample (at < last) gets weight 0 and does not move the clock back
    const alpha = emaAlpha(at - this.at, this.halfLifeMs);
    this.current += fx.mul(alpha, sample - this.current, 'half-up');
    if (at > this.at) this.at = at;
  }

  get value(): Fixed | undefined {
    return this.current;
  }

  /** Time of the latest sample folded in. */
  get updatedAt(): number {
    return this.at;
  }
}
