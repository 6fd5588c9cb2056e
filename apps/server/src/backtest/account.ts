// The simulated exchange's own record of the backtest account, as the account statement needs it.
import { fx, holdingsChange } from '@mm/core';
import type { AccountHoldings, Fixed, Instrument } from '@mm/core';
import type { SimExchange } from '@mm/exchange-sim';
import type { AccountStatement, HoldingsJson } from './types.ts';

/** The account's balances (totals; perps: wallet) and open perp positions, as the exchange keeps them. */
export function holdingsOf(exchange: SimExchange, account: string): AccountHoldings {
  const balances = new Map(exchange.balances(account).map((b) => [b.asset, b.total] as const));
  const positions = new Map<string, { qty: Fixed; entryPrice: Fixed }>();
  for (const p of exchange.positions(account)) {
    if (p.qtyLots === 0) continue;
    const inst = exchange.instrument(p.symbol);
    const qty = (inst.lotsToFixed(Math.abs(p.qtyLots)) * inst.multiplier) / fx.SCALE;
    positions.set(p.symbol, { qty: p.qtyLots < 0 ? -qty : qty, entryPrice: p.entryPrice });
  }
  return { balances, positions };
}

function holdingsJson(h: AccountHoldings): HoldingsJson {
  return {
    balances: Object.fromEntries([...h.balances].map(([asset, v]) => [asset, fx.format(v)])),
    positions: Object.fromEntries([...h.positions].map(([symbol, p]) => [symbol, { qty: fx.format(p.qty), entryPrice: fx.format(p.entryPrice) }])),
  };
}

/** A position's unrealized PnL at `mark`, the way holdingsChange values it. */
function unrealizedAt(h: AccountHoldings, symbol: string, mark: Fixed): Fixed {
  const p = h.positions.get(symbol);
  return p === undefined ? 0n : fx.mul(p.qty, mark) - fx.mul(p.qty, p.entryPrice);
}

/** End − start of the account at `mark`, against the bot's ledger net. */
export function accountStatement(input: {
  readonly account: string;
  readonly inst: Instrument;
  readonly baseAsset: string;
  readonly quoteAsset: string;
  readonly mark: Fixed;
  readonly start: AccountHoldings;
  readonly end: AccountHoldings;
  readonly ledgerNet: Fixed;
}): AccountStatement {
  const { inst, mark, start, end } = input;
  const positionMarks = inst.kind === 'perp' ? new Map([[inst.symbol, mark]]) : new Map<string, Fixed>();
  const change = holdingsChange(start, end, input.quoteAsset, new Map([[input.baseAsset, mark]]), positionMarks);
  const balanceChanges: Record<string, string> = {};
  for (const asset of new Set([...start.balances.keys(), ...end.balances.keys()])) {
    const delta = (end.balances.get(asset) ?? 0n) - (start.balances.get(asset) ?? 0n);
    if (delta !== 0n) balanceChanges[asset] = fx.format(delta);
  }
  return {
    account: input.account,
    quoteAsset: input.quoteAsset,
    mark: fx.format(mark),
    start: holdingsJson(start),
    end: holdingsJson(end),
    balanceChanges,
    unrealizedStart: fx.format(unrealizedAt(start, inst.symbol, mark)),
    unrealizedEnd: fx.format(unrealizedAt(end, inst.symbol, mark)),
    change: fx.format(change.change),
    unvalued: Object.fromEntries([...change.unvalued].map(([asset, v]) => [asset, fx.format(v)])),
    ledgerNet: fx.format(input.ledgerNet),
    difference: fx.format(change.change - input.ledgerNet),
  };
}
