// Balances and positions of simulated accounts. Amounts are Fixed (bigint × 10^18).
//
// Perp positions keep an exact signed cost basis (the notional paid to open, negative for
// shorts) rather than an entry price, so realised plus unrealised PnL sums to zero across all
// accounts up to the last 10^-18 unit of rounding.
import { fx } from '@mm/core';
import type { Fixed, Instrument, MarginType, StpMode } from '@mm/core';
import type { AccountListener, TrackedHistory } from './listeners.ts';
import { OpenOrders } from './open-orders.ts';
import type { FeeConstants, FeeSchedule } from './fees.ts';

export type { FeeSchedule } from './fees.ts';

export interface AssetBalance {
  total: Fixed;
  locked: Fixed;
}

export interface PositionState {
  /** Signed lots: + long, − short. */
  qtyLots: number;
  /** Signed cost basis in the margin asset. */
  cost: Fixed;
  realizedPnl: Fixed;
  leverage: number;
  marginType: MarginType;
}

/**
 * One account's hold on one symbol: the balances and position an order there touches, found once
 * instead of by asset name on every order and fill. Entries are filled in only where the ledger
 * itself would create them, so queries list exactly the assets they always did. Balance and
 * position objects are never replaced once created, which is what makes holding them safe.
 */
export class AccountMarket {
  /** Spot: the base asset. Unused for perps. */
  base: AssetBalance | undefined = undefined;
  /** Spot: the quote asset; perps: the margin asset. */
  quote: AssetBalance | undefined = undefined;
  position: PositionState | undefined = undefined;
  /** The fee schedule `fees` was derived from; the account's schedule can be changed at any time. */
  feeSchedule: FeeSchedule | undefined = undefined;
  fees: FeeConstants | undefined = undefined;

  /** `owner` is the market record this view was made for; a re-added instrument gets a new one. */
  constructor(readonly owner: object) {}
}

export class Account {
  readonly balances = new Map<string, AssetBalance>();
  readonly positions = new Map<string, PositionState>();
  /** Open orders by client order id. */
  readonly open = new OpenOrders();
  /** Size of `open`. */
  openOrderCount = 0;
  /** Open reduce-only orders: most accounts have none, and then nothing needs re-checking after a fill. */
  reduceOnlyOpen = 0;
  marginCallActive = false;
  /** Order history and fills, for tracked accounts only. */
  history: TrackedHistory | undefined = undefined;
  listeners: Set<AccountListener> | undefined = undefined;
  /** Per-symbol views, indexed by the exchange's market index. */
  readonly markets: (AccountMarket | undefined)[] = [];

  constructor(
    readonly index: number,
    readonly name: string,
    public stpMode: StpMode,
    public fees: FeeSchedule | undefined,
    readonly defaultLeverage: number,
  ) {}

  balance(asset: string): AssetBalance {
    let b = this.balances.get(asset);
    if (b === undefined) {
      b = { total: 0n, locked: 0n };
      this.balances.set(asset, b);
    }
    return b;
  }

  /** The balance if the account has ever held the asset; never creates one. */
  existingBalance(asset: string): AssetBalance | undefined {
    return this.balances.get(asset);
  }

  free(asset: string): Fixed {
    const b = this.balances.get(asset);
    return b === undefined ? 0n : b.total - b.locked;
  }

  position(symbol: string): PositionState {
    let p = this.positions.get(symbol);
    if (p === undefined) {
      p = { qtyLots: 0, cost: 0n, realizedPnl: 0n, leverage: this.defaultLeverage, marginType: 'cross' };
      this.positions.set(symbol, p);
    }
    return p;
  }
}

/** BigInts of small whole numbers, made once: lot counts reach bigint arithmetic on every fill. */
const SMALL_BIGINTS: readonly bigint[] = Array.from({ length: 4096 }, (_, i) => BigInt(i));

export function bigOf(n: number): bigint {
  return n >= 0 && n < 4096 ? SMALL_BIGINTS[n]! : BigInt(n);
}

/**
 * Applies a trade of `deltaLots` (signed: + buy) at `priceTicks` to a position.
 * Returns the PnL realised by the reducing part.
 */
export function applyPositionTrade(pos: PositionState, inst: Instrument, deltaLots: number, priceTicks: number): Fixed {
  if (deltaLots === 0) return 0n;
  const dir = Math.sign(deltaLots);
  const size = Math.abs(deltaLots);
  if (pos.qtyLots === 0 || Math.sign(pos.qtyLots) === dir) {
    pos.cost += BigInt(dir) * inst.notional(priceTicks, size);
    pos.qtyLots += deltaLots;
    return 0n;
  }
  const held = Math.abs(pos.qtyLots);
  const closed = Math.min(size, held);
  const basis = fx.divInt(pos.cost * BigInt(closed), BigInt(held), 'trunc');
  const realized = BigInt(Math.sign(pos.qtyLots)) * inst.notional(priceTicks, closed) - basis;
  pos.cost -= basis;
  pos.qtyLots += dir * closed;
  if (pos.qtyLots === 0) pos.cost = 0n;
  const opened = size - closed;
  if (opened > 0) {
    pos.cost = BigInt(dir) * inst.notional(priceTicks, opened);
    pos.qtyLots = dir * opened;
  }
  pos.realizedPnl += realized;
  return realized;
}

export function unrealizedPnl(pos: PositionState, inst: Instrument, mark: Fixed): Fixed {
  if (pos.qtyLots === 0) return 0n;
  return BigInt(Math.sign(pos.qtyLots)) * inst.notionalAt(mark, Math.abs(pos.qtyLots)) - pos.cost;
}

export function entryPrice(pos: PositionState, inst: Instrument): Fixed {
  if (pos.qtyLots === 0) return 0n;
  const qty = inst.lotsToFixed(Math.abs(pos.qtyLots)) * inst.multiplier / fx.SCALE;
  return fx.div(fx.abs(pos.cost), qty, 'half-up');
}

/** Margin required to hold a position at the mark: notional / leverage. */
export function positionInitialMargin(pos: PositionState, inst: Instrument, mark: Fixed): Fixed {
  if (pos.qtyLots === 0) return 0n;
  return inst.notionalAt(mark, Math.abs(pos.qtyLots)) / BigInt(Math.max(1, pos.leverage));
}

export function positionMaintenanceMargin(pos: PositionState, inst: Instrument, mark: Fixed, maintenanceRate: Fixed): Fixed {
  if (pos.qtyLots === 0) return 0n;
  return fx.mul(inst.notionalAt(mark, Math.abs(pos.qtyLots)), maintenanceRate, 'ceil');
}

/**
 * Price at which the account's margin balance would meet maintenance, for a single position in
 * cross margin with everything else held constant. Null when no such positive price exists.
 */
export function liquidationPrice(
  pos: PositionState,
  inst: Instrument,
  otherEquity: Fixed,
  maintenanceRate: Fixed,
): Fixed | null {
  if (pos.qtyLots === 0) return null;
  // equity(P) = otherEquity + s·q·P − cost ; maintenance(P) = q·P·m   (q = |qty| in base units)
  // solve otherEquity − cost + s·q·P = q·P·m  →  P = (cost − otherEquity) / (q·(s − m))
  const q = inst.lotsToFixed(Math.abs(pos.qtyLots)) * inst.multiplier / fx.SCALE;
  const s = BigInt(Math.sign(pos.qtyLots)) * fx.ONE;
  const denominator = fx.mul(q, s - maintenanceRate);
  if (denominator === 0n) return null;
  const price = fx.div(pos.cost - otherEquity, denominator, 'half-up');
  return price > 0n ? price : null;
}
