// The fair ("reference") price the simulated market gravitates around: a seeded random walk
// with drift, volatility and jumps, or a replay of recorded prices. It is generated ahead of
// time so informed participants can act on where it is going.
import { EngineError } from '@mm/core';
import type { Rng, Side } from '@mm/core';

const DAY_MS = 86_400_000;

export interface RandomWalkConfig {
  readonly kind: 'random-walk';
  readonly startPrice: number;
  /** Standard deviation of the log price over one day, e.g. 0.04 = 4 %. */
  readonly dailyVolatility: number;
  /** Expected log return per day. */
  readonly dailyDrift?: number;
  readonly stepMs?: number;
  /** Jumps: expected number per day and mean absolute log size. */
  readonly jumps?: { readonly perDay: number; readonly meanSize: number };
}

export interface ReplayPoint {
  readonly time: number;
  readonly price: number;
  /** A recorded trade to replay as a taker order (optional). */
  readonly qty?: number;
  readonly side?: Side;
}

export interface ReplayConfig {
  readonly kind: 'replay';
  readonly points: readonly ReplayPoint[];
}

export type PricePathConfig = RandomWalkConfig | ReplayConfig;

export interface PathStep {
  readonly time: number;
  readonly price: number;
  readonly trade?: { readonly qty: number; readonly side: Side };
}

/** Produces path steps in time order; `peek(t)` looks ahead without consuming. */
export class PricePath {
  private readonly steps: PathStep[] = [];
  private cursor = 0;
  private lastPrice: number;
  private lastTime: number;
  private readonly stepMs: number;

  constructor(
    private readonly config: PricePathConfig,
    private readonly rng: Rng,
    startTime: number,
  ) {
    if (config.kind === 'random-walk') {
      if (!(config.startPrice > 0)) throw new EngineError('INVALID_CONFIG', 'price path: startPrice must be positive');
      if (!(config.dailyVolatility >= 0)) throw new EngineError('INVALID_CONFIG', 'price path: dailyVolatility must not be negative');
      this.stepMs = config.stepMs ?? 1_000;
      this.lastPrice = config.startPrice;
      this.lastTime = startTime;
      this.steps.push({ time: startTime, price: config.startPrice });
    } else {
      if (config.points.length === 0) throw new EngineError('INVALID_CONFIG', 'price replay needs at least one point');
      const sorted = [...config.points].sort((a, b) => a.time - b.time);
      for (const p of sorted) {
        if (!(p.price > 0)) throw new EngineError('INVALID_CONFIG', `price replay: non-positive price at ${p.time}`);
        this.steps.push(p.qty !== undefined && p.side !== undefined ? { time: p.time, price: p.price, trade: { qty: p.qty, side: p.side } } : { time: p.time, price: p.price });
      }
      this.stepMs = 0;
      this.lastPrice = sorted.at(-1)!.price;
      this.lastTime = sorted.at(-1)!.time;
    }
  }

  get isReplay(): boolean {
    return this.config.kind === 'replay';
  }

  /** The next step not yet consumed, generating it if needed. */
  next(): PathStep | undefined {
    this.ensure(this.cursor);
    const step = this.steps[this.cursor];
    if (step !== undefined) this.cursor++;
    // keep memory bounded: drop consumed steps now and then
    if (this.cursor > 4096) {
      this.steps.splice(0, this.cursor);
      this.cursor = 0;
    }
    return step;
  }

  /** The price the path will have at time `t` (t may be in the future). */
  priceAt(t: number): number {
    let i = Math.max(0, this.cursor - 1);
    for (;;) {
      this.ensure(i + 1);
      const next = this.steps[i + 1];
      if (next === undefined || next.time > t) return this.steps[i]?.price ?? this.lastPrice;
      i++;
    }
  }

  private ensure(index: number): void {
    if (this.config.kind !== 'random-walk') return;
    const cfg = this.config;
    while (this.steps.length <= index) {
      const dt = this.stepMs / DAY_MS;
      let r = (cfg.dailyDrift ?? 0) * dt + cfg.dailyVolatility * Math.sqrt(dt) * this.rng.normal();
      if (cfg.jumps !== undefined && cfg.jumps.perDay > 0 && this.rng.bool(cfg.jumps.perDay * dt)) {
        r += (this.rng.bool() ? 1 : -1) * this.rng.exponential(1 / cfg.jumps.meanSize);
      }
      this.lastPrice *= Math.exp(r);
      this.lastTime += this.stepMs;
      this.steps.push({ time: this.lastTime, price: this.lastPrice });
    }
  }
}

/**
 * Parses a CSV of `timestamp,price[,qty,side]` (header optional; timestamp in epoch ms or ISO
 * 8601; side buy|sell is the taker's side). Errors name the line.
 */
export function parsePriceCsv(text: string): ReplayPoint[] {
  const points: ReplayPoint[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(',').map((c) => c.trim());
    if (i === 0 && !/^\d/.test(cells[0] ?? '')) return; // header
    const [ts, price, qty, side] = cells;
    const time = /^\d+$/.test(ts ?? '') ? Number(ts) : Date.parse(ts ?? '');
    const p = Number(price);
    if (!Number.isFinite(time)) throw new EngineError('INVALID_CONFIG', `price CSV line ${i + 1}: bad timestamp "${ts}"`);
    if (!(p > 0)) throw new EngineError('INVALID_CONFIG', `price CSV line ${i + 1}: bad price "${price}"`);
    if (qty !== undefined && qty !== '') {
      const q = Number(qty);
      if (!(q > 0)) throw new EngineError('INVALID_CONFIG', `price CSV line ${i + 1}: bad quantity "${qty}"`);
      if (side !== 'buy' && side !== 'sell') throw new EngineError('INVALID_CONFIG', `price CSV line ${i + 1}: side must be buy or sell, got "${side}"`);
      points.push({ time, price: p, qty: q, side });
    } else {
      points.push({ time, price: p });
    }
  });
  if (points.length === 0) throw new EngineError('INVALID_CONFIG', 'price CSV has no data rows');
  return points;
}
