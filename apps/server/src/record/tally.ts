// Counts what went into a recording, for the progress line and the closing summary.
import type { MarketEvent } from '@mm/market-data';

export class EventTally {
  trade = 0;
  level = 0;
  gap = 0;
  snapshots = 0;
  first: number | undefined;
  last: number | undefined;

  add(event: MarketEvent): void {
    this[event.kind]++;
    this.first ??= event.ts;
    this.last = event.ts;
  }

  /** A snapshot run started (counted by the recorder, which knows when it writes one). */
  snapshot(): void {
    this.snapshots++;
  }

  get events(): number {
    return this.trade + this.level + this.gap;
  }

  counts(): string {
    return `${count(this.events)} events (trades ${count(this.trade)}, levels ${count(this.level)}, gaps ${this.gap})`;
  }

  span(): string {
    if (this.first === undefined || this.last === undefined) return 'no events';
    return `${new Date(this.first).toISOString()} → ${new Date(this.last).toISOString()} (${duration(this.last - this.first)})`;
  }
}

export function count(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : `${n}`;
}

export function bytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1 << 10 ? `${(n / (1 << 10)).toFixed(1)} KiB` : `${n} B`;
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(s % 60).padStart(2, '0')} s`;
}
