// Execution figures from the fill records: what volume cost, spread captured, markouts.
// Averages are weighted by notional, so one large fill counts for what it traded.
import { fx } from '@mm/core';
import type { Fixed } from '@mm/core';
import { MARKOUT_HORIZONS_MS } from '../types.ts';
import type { ExecutionFigures, FillRecord, Split } from '../types.ts';

const SPLITS = ['all', 'maker', 'taker', 'grid', 'volume'] as const;
type SplitKey = (typeof SPLITS)[number];

function inSplit(f: FillRecord, key: SplitKey): boolean {
  switch (key) {
    case 'all':
      return true;
    case 'maker':
    case 'taker':
      return f.liquidity === key;
    case 'grid':
      return f.tag === 'mm';
    case 'volume':
      return f.tag === 'volume';
  }
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** Σ notional × value ÷ Σ notional over the fills that have a value; null when none has. */
function weighted(fills: readonly FillRecord[], value: (f: FillRecord) => number | null): number | null {
  let sum = 0;
  let weight = 0;
  for (const f of fills) {
    const v = value(f);
    if (v === null) continue;
    const n = Number(f.notional);
    sum += v * n;
    weight += n;
  }
  return weight === 0 ? null : round2(sum / weight);
}

function split<T>(fills: readonly FillRecord[], of: (subset: readonly FillRecord[]) => T): Split<T> {
  const out = {} as Record<SplitKey, T>;
  for (const key of SPLITS) out[key] = of(fills.filter((f) => inSplit(f, key)));
  return out;
}

/** −net ÷ volume × 10,000 in bps (negative = the bot earned while trading it); null without volume. */
export function costOfVolumeBps(net: Fixed, volume: Fixed): number | null {
  if (volume === 0n) return null;
  return round2(fx.toNumber(fx.div(-net * 10_000n, volume)));
}

export function executionFigures(fills: readonly FillRecord[], ledger: { readonly net: Fixed; readonly maker: Fixed; readonly taker: Fixed }): ExecutionFigures {
  const volume = ledger.maker + ledger.taker;
  return {
    costOfVolumeBps: costOfVolumeBps(ledger.net, volume),
    makerSharePct: volume === 0n ? 0 : round2(fx.toNumber(fx.div(ledger.maker * 100n, volume))),
    spreadCapturedBps: split(fills, (s) => weighted(s, (f) => f.spreadBps)),
    markoutHorizonsMs: [...MARKOUT_HORIZONS_MS],
    markoutBps: split(fills, (s) => MARKOUT_HORIZONS_MS.map((_, i) => weighted(s, (f) => f.markoutBps[i] ?? null))),
    fills: split(fills, (s) => s.length),
    notional: split(fills, (s) => fx.format(s.reduce((sum, f) => sum + fx.parse(f.notional), 0n), { decimals: 2 })),
  };
}
