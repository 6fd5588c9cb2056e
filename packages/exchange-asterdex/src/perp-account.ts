// Perp account and risk figures from the venue's JSON: balances, positions (with the ADL
// quantile), the margin summary, notional brackets, the max notional at a leverage and the
// maintenance margin of a position. Pure functions; the adapter fetches and caches.
import { fx } from '@mm/core';
import type { Balance, Fixed, Instrument, MarginSummary, Position } from '@mm/core';
import { qtyLots } from './convert.ts';
import type { FuturesAccountJson, FuturesBalanceJson, LeverageBracketJson, PositionRiskJson } from './wire.ts';

export interface LeverageBracket {
  readonly bracket: number;
  readonly initialLeverage: number;
  /** Quote-asset notional bounds of the bracket. */
  readonly notionalFloor: Fixed;
  readonly notionalCap: Fixed;
  readonly maintMarginRatio: Fixed;
  /** Maintenance amount: maintenance = notional × ratio − cum. */
  readonly cum: Fixed;
}

export interface PositionRisk {
  readonly symbol: string;
  readonly leverage: number;
  /** The largest position notional allowed at the current leverage. */
  readonly maxNotional: Fixed;
  readonly positionAmt: Fixed;
  readonly markPrice: Fixed;
  readonly liquidationPrice: Fixed | null;
}

/** Balances with a never-negative locked part (available can exceed the wallet with unrealised profit). */
export function futuresBalances(rows: readonly FuturesBalanceJson[]): { all: Balance[]; nonZero: Balance[] } {
  const all: Balance[] = [];
  const nonZero: Balance[] = [];
  for (const row of rows) {
    const total = fx.parse(row.balance);
    const available = fx.parse(row.availableBalance);
    const free = available < 0n ? 0n : available > total ? total : available;
    const balance = { asset: row.asset, total, free, locked: total - free };
    all.push(balance);
    if (total !== 0n || available !== 0n) nonZero.push(balance);
  }
  return { all, nonZero };
}

/** Brackets of a symbol; the venue answers one object with a symbol, a list without. */
export function parseBrackets(answer: LeverageBracketJson | readonly LeverageBracketJson[], symbol: string): LeverageBracket[] {
  const entry: LeverageBracketJson | undefined = isList(answer) ? answer.find((a) => a.symbol === symbol) : answer;
  // the venue sends these as JSON numbers; their decimal text is exact for such values
  return (entry?.brackets ?? []).map((b) => ({
    bracket: b.bracket,
    initialLeverage: b.initialLeverage,
    notionalFloor: fx.parse(String(b.notionalFloor)),
    notionalCap: fx.parse(String(b.notionalCap)),
    maintMarginRatio: fx.parse(String(b.maintMarginRatio)),
    cum: fx.parse(String(b.cum)),
  }));
}

function isList(answer: LeverageBracketJson | readonly LeverageBracketJson[]): answer is readonly LeverageBracketJson[] {
  return Array.isArray(answer);
}

/** The cap of the widest bracket whose initial leverage still allows `leverage`. */
export function maxNotionalAt(brackets: readonly LeverageBracket[], leverage: number): Fixed {
  let cap: Fixed = 0n;
  for (const b of brackets) if (b.initialLeverage >= leverage && b.notionalCap > cap) cap = b.notionalCap;
  return cap;
}

export function maintenanceFor(brackets: readonly LeverageBracket[], notional: Fixed): Fixed {
  const bracket = brackets.find((b) => notional >= b.notionalFloor && notional < b.notionalCap) ?? brackets.at(-1);
  if (bracket === undefined) return 0n;
  const value = fx.mul(notional, bracket.maintMarginRatio, 'ceil') - bracket.cum;
  return value > 0n ? value : 0n;
}

/** |amount × mark|. */
export function positionNotional(row: PositionRiskJson): Fixed {
  return fx.abs(fx.mul(fx.parse(row.positionAmt), fx.parse(row.markPrice)));
}

export function toPosition(
  inst: Instrument,
  row: PositionRiskJson,
  quantiles: Readonly<Record<string, number>> | undefined,
  maintenanceMargin: Fixed,
  now: number,
): Position {
  const amount = fx.parse(row.positionAmt);
  const lots = qtyLots(inst, row.positionAmt);
  const liquidation = fx.parse(row.liquidationPrice);
  // one-way mode reports BOTH; hedge-mode style answers name the side
  const quantile = quantiles === undefined || amount === 0n ? undefined : amount > 0n ? (quantiles['LONG'] ?? quantiles['BOTH']) : (quantiles['SHORT'] ?? quantiles['BOTH']);
  return {
    symbol: row.symbol,
    qtyLots: amount < 0n ? -lots : lots,
    entryPrice: fx.parse(row.entryPrice),
    markPrice: fx.parse(row.markPrice),
    unrealizedPnl: fx.parse(row.unRealizedProfit),
    leverage: Number(row.leverage),
    marginType: row.marginType.toLowerCase().startsWith('iso') ? 'isolated' : 'cross',
    maintenanceMargin,
    liquidationPrice: liquidation === 0n ? null : liquidation,
    ...(quantile === undefined ? {} : { adlQuantile: quantile }),
    updatedAt: row.updateTime ?? now,
  };
}

export function toPositionRisk(row: PositionRiskJson): PositionRisk {
  const liquidation = fx.parse(row.liquidationPrice);
  return {
    symbol: row.symbol,
    leverage: Number(row.leverage),
    maxNotional: fx.parse(row.maxNotionalValue ?? '0'),
    positionAmt: fx.parse(row.positionAmt),
    markPrice: fx.parse(row.markPrice),
    liquidationPrice: liquidation === 0n ? null : liquidation,
  };
}

/** The margin asset's row of the account, or the account totals when there is none. */
export function toMarginSummary(account: FuturesAccountJson, asset: string, now: number): MarginSummary {
  const row = account.assets?.find((a) => a.asset === asset);
  const updatedAt = (row?.updateTime ?? account.updateTime ?? 0) || now;
  if (row !== undefined) {
    return {
      asset,
      walletBalance: fx.parse(row.walletBalance),
      marginBalance: fx.parse(row.marginBalance),
      maintenanceMargin: fx.parse(row.maintMargin),
      initialMargin: fx.parse(row.initialMargin),
      availableBalance: fx.parse(row.availableBalance),
      updatedAt,
    };
  }
  return {
    asset,
    walletBalance: fx.parse(account.totalWalletBalance),
    marginBalance: fx.parse(account.totalMarginBalance),
    maintenanceMargin: fx.parse(account.totalMaintMargin),
    initialMargin: fx.parse(account.totalInitialMargin),
    availableBalance: fx.parse(account.availableBalance),
    updatedAt,
  };
}
