// Saving and restoring the simulated exchange, so paper bots survive a restart: accounts with
// balances and positions, resting orders in their queue order, recent order and fill history
// (the engine reconciles against it), marks and id sequences. Plain JSON: amounts are decimal
// strings.
//
// After a crash the last save may be a little old, and ids handed out since then are already in
// the bots' journal. Restored sequences therefore jump to a time-based floor, so no order or
// trade id is ever issued twice.
import { EngineError, fx } from '@mm/core';
import type { Fill, MarginType, Side, StpMode, TimeInForce, OrderType, VenueOrder } from '@mm/core';
import { newRestingOrder } from './book.ts';
import type { SimExchange } from './exchange.ts';

export const SIM_STATE_VERSION = 1;
const HISTORY_KEPT = 2_000;

interface SavedOrder {
  readonly seq: number;
  readonly venueOrderId: string;
  readonly clientOrderId: string;
  readonly account: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly filledLots: number;
  readonly timeInForce: TimeInForce;
  readonly stpMode: StpMode;
  readonly reduceOnly: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly locked: string;
}

type SavedFill = Omit<Fill, 'fee' | 'realizedPnl'> & { readonly fee: string; readonly realizedPnl?: string };

interface SavedAccount {
  readonly name: string;
  readonly stpMode: StpMode;
  readonly balances: readonly { readonly asset: string; readonly total: string; readonly locked: string }[];
  readonly positions: readonly { readonly symbol: string; readonly qtyLots: number; readonly cost: string; readonly realizedPnl: string; readonly leverage: number; readonly marginType: MarginType }[];
  readonly orderHistory: readonly VenueOrder[];
  readonly fills: readonly SavedFill[];
}

export interface SimState {
  readonly version: number;
  readonly savedAt: number;
  readonly sequences: { readonly order: number; readonly trade: number };
  readonly marks: readonly { readonly symbol: string; readonly mark: string; readonly index: string; readonly fundingRate: string }[];
  readonly accounts: readonly SavedAccount[];
  readonly openOrders: readonly SavedOrder[];
}

export interface ExportOptions {
  /** Accounts left out (e.g. the market simulator's background participants, recreated on start). */
  readonly skipAccount?: (name: string) => boolean;
}

export function exportSimState(exchange: SimExchange, options: ExportOptions = {}): SimState {
  const skip = options.skipAccount ?? (() => false);
  const { accounts, marks } = exchange.internals;
  const names = new Map(accounts.map((a) => [a.index, a.name]));
  const openOrders: SavedOrder[] = [];
  for (const inst of exchange.instruments()) {
    const book = exchange.book(inst.symbol);
    for (const side of [book.bids, book.asks]) {
      for (const o of side.orders()) {
        const account = names.get(o.account)!;
        if (skip(account)) continue;
        openOrders.push({
          seq: o.seq,
          venueOrderId: o.venueOrderId,
          clientOrderId: o.clientOrderId,
          account,
          symbol: o.symbol,
          side: o.side,
          type: o.type,
          priceTicks: o.priceTicks,
          qtyLots: o.qtyLots,
          filledLots: o.filledLots,
          timeInForce: o.timeInForce,
          stpMode: o.stpMode,
          reduceOnly: o.reduceOnly,
          createdAt: o.createdAt,
          updatedAt: o.updatedAt,
          locked: fx.format(o.locked),
        });
      }
    }
  }
  return {
    version: SIM_STATE_VERSION,
    savedAt: exchange.clock.now(),
    sequences: exchange.sequences,
    marks: [...marks.entries()].map(([symbol, m]) => ({ symbol, mark: fx.format(m.mark), index: fx.format(m.index), fundingRate: fx.format(m.fundingRate) })),
    accounts: accounts
      .filter((a) => !skip(a.name))
      .map((a) => ({
        name: a.name,
        stpMode: a.stpMode,
        balances: [...a.balances.entries()].map(([asset, b]) => ({ asset, total: fx.format(b.total), locked: fx.format(b.locked) })),
        positions: [...a.positions.entries()].map(([symbol, p]) => ({ symbol, qtyLots: p.qtyLots, cost: fx.format(p.cost), realizedPnl: fx.format(p.realizedPnl), leverage: p.leverage, marginType: p.marginType })),
        orderHistory: a.history === undefined ? [] : [...a.history.orders.values()].slice(-HISTORY_KEPT),
        fills: a.history === undefined ? [] : a.history.fills.slice(-HISTORY_KEPT).map(saveFill),
      })),
    openOrders,
  };
}

function saveFill(f: Fill): SavedFill {
  const { fee, realizedPnl, ...rest } = f;
  return realizedPnl === undefined ? { ...rest, fee: fx.format(fee) } : { ...rest, fee: fx.format(fee), realizedPnl: fx.format(realizedPnl) };
}

/**
 * Restores a saved state into a freshly built exchange with the same instruments. Accounts are
 * created when missing; their balances, positions, history and resting orders are replaced.
 */
export function importSimState(exchange: SimExchange, state: SimState): void {
  if (state.version !== SIM_STATE_VERSION) {
    throw new EngineError('INVALID_CONFIG', `saved paper state has version ${state.version}; this build reads version ${SIM_STATE_VERSION}`);
  }
  const internals = exchange.internals;
  for (const saved of state.accounts) {
    if (!exchange.hasAccount(saved.name)) exchange.createAccount(saved.name, { stpMode: saved.stpMode });
    const account = internals.accounts.find((a) => a.name === saved.name)!;
    account.stpMode = saved.stpMode;
    // mutate in place: per-market views hold references to these balance objects
    for (const b of account.balances.values()) {
      b.total = 0n;
      b.locked = 0n;
    }
    for (const b of saved.balances) {
      const balance = account.balance(b.asset);
      balance.total = fx.parse(b.total);
      balance.locked = fx.parse(b.locked);
    }
    for (const p of saved.positions) {
      const pos = account.position(p.symbol);
      pos.qtyLots = p.qtyLots;
      pos.cost = fx.parse(p.cost);
      pos.realizedPnl = fx.parse(p.realizedPnl);
      pos.leverage = p.leverage;
      pos.marginType = p.marginType;
    }
    if (account.history !== undefined) {
      for (const o of saved.orderHistory) {
        account.history.orders.set(o.venueOrderId, o);
        account.history.clientIndex.set(o.clientOrderId, o.venueOrderId);
      }
      for (const f of saved.fills) account.history.fills.push({ ...f, fee: fx.parse(f.fee), ...(f.realizedPnl === undefined ? {} : { realizedPnl: fx.parse(f.realizedPnl) }) } as Fill);
    }
  }
  // saved in queue order per level, best level first: resting them in that order keeps priority
  for (const saved of state.openOrders) {
    const account = internals.accounts.find((a) => a.name === saved.account);
    if (account === undefined) continue;
    const order = newRestingOrder({ ...saved, account: account.index, time: saved.createdAt });
    order.filledLots = saved.filledLots;
    order.updatedAt = saved.updatedAt;
    order.locked = fx.parse(saved.locked);
    internals.restOrder(order);
  }
  for (const m of state.marks) internals.marks.set(m.symbol, { mark: fx.parse(m.mark), index: fx.parse(m.index), fundingRate: fx.parse(m.fundingRate) });
  // ids issued after the last save must never come again: jump to a time-based floor
  const floor = exchange.clock.now() * 1_000;
  internals.setSequences(Math.max(state.sequences.order + 1, floor), Math.max(state.sequences.trade + 1, floor));
}
