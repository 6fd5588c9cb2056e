// An account's equity change between a baseline and now, valued at one set of marks, and the
// same change as the fills and cash flows explain it. Both are plain sums, independent of any
// cost method, so "Σ bots + unattributed = account change" is checked without trusting the
// ledger's own arithmetic.
import * as fx from '../fixed.ts';
import type { Fixed } from '../fixed.ts';
import type { LedgerCashFlow, LedgerFill, LedgerSpec } from './bot-ledger.ts';

/** What an account holds: asset balances (spot: totals; perps: wallet) and perp positions. */
export interface AccountHoldings {
  readonly balances: ReadonlyMap<string, Fixed>;
  /** Perps: signed base quantity and average entry per symbol. */
  readonly positions: ReadonlyMap<string, { readonly qty: Fixed; readonly entryPrice: Fixed }>;
}

export interface ValuedChange {
  /** In the quote asset. */
  readonly change: Fixed;
  /** Assets that changed but have no mark, so are not in `change`. */
  readonly unvalued: ReadonlyMap<string, Fixed>;
}

/**
 * (now − baseline) valued at `marks` (asset → price in quote; the quote itself is 1). For perps
 * pass `positionMarks` (symbol → mark): each position counts with its unrealized PnL at that mark.
 */
export function holdingsChange(
  baseline: AccountHoldings,
  now: AccountHoldings,
  quote: string,
  marks: ReadonlyMap<string, Fixed>,
  positionMarks: ReadonlyMap<string, Fixed> = new Map(),
): ValuedChange {
  let change = 0n;
  const unvalued = new Map<string, Fixed>();
  for (const asset of new Set([...baseline.balances.keys(), ...now.balances.keys()])) {
    const delta = (now.balances.get(asset) ?? 0n) - (baseline.balances.get(asset) ?? 0n);
    if (delta === 0n) continue;
    const mark = asset === quote ? fx.ONE : marks.get(asset);
    if (mark === undefined) unvalued.set(asset, delta);
    else change += asset === quote ? delta : fx.mul(delta, mark);
  }
  for (const [symbol, mark] of positionMarks) {
    const upl = (p: { qty: Fixed; entryPrice: Fixed } | undefined) => (p === undefined ? 0n : fx.mul(p.qty, mark) - fx.mul(p.qty, p.entryPrice));
    change += upl(now.positions.get(symbol)) - upl(baseline.positions.get(symbol));
  }
  return { change, unvalued };
}

/** Running asset deltas of fills and funding: what they did to the account's balances. */
export class CashFlows {
  /** Quote received − paid (sells − buys − quote fees + funding). */
  quote: Fixed = 0n;
  /** Base received − delivered (buys − sells − base fees). */
  base: Fixed = 0n;
  /** Fees in other assets (negative deltas of those assets). */
  readonly other = new Map<string, Fixed>();

  constructor(readonly spec: LedgerSpec) {}

  addFill(fill: LedgerFill): void {
    if (fill.side === 'buy') {
      this.quote -= fill.notional;
      this.base += fill.qty;
    } else {
      this.quote += fill.notional;
      this.base -= fill.qty;
    }
    if (fill.fee === 0n) return;
    if (fill.feeAsset === this.spec.quote) this.quote -= fill.fee;
    else if (fill.feeAsset === this.spec.base) this.base -= fill.fee;
    else this.other.set(fill.feeAsset, (this.other.get(fill.feeAsset) ?? 0n) - fill.fee);
  }

  addCashFlow(flow: LedgerCashFlow): void {
    this.quote += flow.amount;
  }

  /** The equity change these flows explain, at `mark` (base in quote). */
  valueAt(mark: Fixed): Fixed {
    return this.quote + fx.mul(this.base, mark);
  }
}
