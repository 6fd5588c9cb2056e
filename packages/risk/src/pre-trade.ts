// Pre-trade checks: every new order passes here before it can leave the process. A refusal is
// a value (RiskVerdict), never an exception. Cancels are never checked: getting out of the
// market must always be possible.
import { fx } from '@mm/core';
import type { Fixed, Instrument, OrderRequest, RiskConfig, RiskRule, Side } from '@mm/core';
import type { RiskVerdict, TradingState } from './types.ts';

export interface PreTradeContext {
  readonly config: RiskConfig;
  readonly tradingState: TradingState;
  readonly instrument: Instrument;
  /** Reference price; without one no limit order can be priced safely. */
  readonly reference: Fixed | undefined;
  /** Live orders of this bot (including ones in flight). */
  readonly openOrdersBot: number;
  /** Live orders of every bot on the same venue account. */
  readonly openOrdersAccount: number;
  /** New orders this bot sent in the last 60 s. */
  readonly ordersLastMinute: number;
  /** Spot: free balances after reservations of our own orders still in flight. */
  readonly free: { readonly base: Fixed; readonly quote: Fixed };
  /** Taker fee (fraction), to price a buy's worst-case cost. */
  readonly takerFee: Fixed;
  /** Our own resting orders on this account and symbol (all bots): best prices. */
  readonly ownBestBid: number | undefined;
  readonly ownBestAsk: number | undefined;
  /** Perps only. */
  readonly perp?: {
    /** Signed position in lots. */
    readonly positionLots: number;
    /** Unfilled lots of our own live orders per side: the worst case assumes they all fill. */
    readonly pendingBuyLots: number;
    readonly pendingSellLots: number;
    readonly availableMargin: Fixed;
    readonly leverage: number;
  };
  /** Spot in REDUCING state: the side that moves inventory back toward its target. */
  readonly reducingSide?: Side;
}

function deny(rule: RiskRule, value: string, limit: string, message: string): RiskVerdict {
  return { allow: false, denial: { rule, value, limit, message } };
}

function pct(value: Fixed): string {
  return `${fx.format(value, { decimals: 3 })} %`;
}

/**
 * True if the order only reduces the position, even in the worst case where every pending order
 * on its side fills too (several resting reducing orders must not flip the position together).
 */
function reducesPosition(positionLots: number, side: Side, qtyLots: number, pendingSameSide: number): boolean {
  if (positionLots > 0) return side === 'sell' && qtyLots + pendingSameSide <= positionLots;
  if (positionLots < 0) return side === 'buy' && qtyLots + pendingSameSide <= -positionLots;
  return false;
}

function pendingFor(perp: NonNullable<PreTradeContext['perp']>, side: Side): number {
  return side === 'buy' ? perp.pendingBuyLots : perp.pendingSellLots;
}

export function checkOrder(ctx: PreTradeContext, order: OrderRequest): RiskVerdict {
  const { config, instrument: inst } = ctx;
  const q = inst.quote;

  if (ctx.tradingState === 'HALTED') {
    return deny('halted', 'HALTED', 'ACTIVE', 'trading is halted: only cancels are allowed until an operator resets the halt');
  }

  const isPerp = inst.kind === 'perp';
  if (ctx.tradingState === 'REDUCING') {
    const ok = isPerp && ctx.perp !== undefined ? reducesPosition(ctx.perp.positionLots, order.side, order.qtyLots, pendingFor(ctx.perp, order.side)) : ctx.reducingSide === order.side;
    if (!ok) return deny('reduce_only', order.side, ctx.reducingSide ?? 'reducing only', `in REDUCING state only orders that reduce exposure are allowed; this ${order.side} would not`);
  }

  if (ctx.openOrdersBot + 1 > config.maxOpenOrders) {
    return deny('max_open_orders', String(ctx.openOrdersBot + 1), String(config.maxOpenOrders), `this order would make ${ctx.openOrdersBot + 1} open orders; the bot's limit is ${config.maxOpenOrders}`);
  }
  if (ctx.openOrdersAccount + 1 > config.maxOpenOrdersPerAccount) {
    return deny(
      'max_open_orders_account',
      String(ctx.openOrdersAccount + 1),
      String(config.maxOpenOrdersPerAccount),
      `this order would make ${ctx.openOrdersAccount + 1} open orders on the account; the limit is ${config.maxOpenOrdersPerAccount}`,
    );
  }
  if (ctx.ordersLastMinute + 1 > config.maxOrdersPerMinute) {
    return deny('order_rate', `${ctx.ordersLastMinute + 1}/min`, `${config.maxOrdersPerMinute}/min`, `order rate limit reached: ${config.maxOrdersPerMinute} new orders per minute`);
  }

  if (ctx.reference === undefined || ctx.reference <= 0n) {
    return deny('price_deviation', 'no reference', 'a fresh reference price', 'no fresh reference price: orders cannot be checked against the market, so none are sent');
  }
  const price = order.priceTicks !== undefined ? inst.ticksToFixed(order.priceTicks) : ctx.reference;
  const notional = order.priceTicks !== undefined ? inst.notional(order.priceTicks, order.qtyLots) : inst.notionalAt(ctx.reference, order.qtyLots);

  const maxNotional = fx.parse(config.maxOrderNotionalQuote);
  if (maxNotional > 0n && notional > maxNotional) {
    return deny('max_order_notional', `${fx.format(notional, { decimals: 2 })} ${q}`, `${config.maxOrderNotionalQuote} ${q}`, `order value ${fx.format(notional, { decimals: 2 })} ${q} is above the single-order limit of ${config.maxOrderNotionalQuote} ${q}`);
  }

  if (order.priceTicks !== undefined) {
    const deviation = fx.div(fx.abs(price - ctx.reference) * 100n, ctx.reference);
    const limit = fx.fromNumber(config.maxPriceDeviationPct);
    if (deviation > limit) {
      return deny('price_deviation', pct(deviation), `${config.maxPriceDeviationPct} %`, `price ${fx.format(price)} is ${pct(deviation)} from the reference ${fx.format(ctx.reference, { decimals: inst.priceDecimals + 2 })}; the fat-finger limit is ${config.maxPriceDeviationPct} %`);
    }
  }

  // never cross a resting order of our own account: no self-trade, whatever the venue does
  const limitTicks = order.priceTicks;
  if (order.side === 'buy' && ctx.ownBestAsk !== undefined && (limitTicks === undefined || limitTicks >= ctx.ownBestAsk)) {
    return deny('self_cross', inst.ticksToPrice(limitTicks ?? ctx.ownBestAsk), `< ${inst.ticksToPrice(ctx.ownBestAsk)}`, `this buy would trade with our own resting sell at ${inst.ticksToPrice(ctx.ownBestAsk)}`);
  }
  if (order.side === 'sell' && ctx.ownBestBid !== undefined && (limitTicks === undefined || limitTicks <= ctx.ownBestBid)) {
    return deny('self_cross', inst.ticksToPrice(limitTicks ?? ctx.ownBestBid), `> ${inst.ticksToPrice(ctx.ownBestBid)}`, `this sell would trade with our own resting buy at ${inst.ticksToPrice(ctx.ownBestBid)}`);
  }

  if (isPerp && ctx.perp !== undefined) {
    const pending = pendingFor(ctx.perp, order.side);
    const reducing = reducesPosition(ctx.perp.positionLots, order.side, order.qtyLots, pending);
    if (!reducing) {
      const maxPosition = fx.parse(config.maxPositionNotionalQuote);
      // worst case: this order and every pending one on its side fill
      const after = Math.abs(ctx.perp.positionLots + (order.side === 'buy' ? order.qtyLots + pending : -(order.qtyLots + pending)));
      const afterNotional = inst.notionalAt(price, after);
      if (maxPosition > 0n && afterNotional > maxPosition) {
        return deny('position_limit', `${fx.format(afterNotional, { decimals: 2 })} ${q}`, `${config.maxPositionNotionalQuote} ${q}`, `the position would grow to ${fx.format(afterNotional, { decimals: 2 })} ${q}, above the limit of ${config.maxPositionNotionalQuote} ${q}`);
      }
      const margin = fx.divInt(notional, BigInt(Math.max(1, ctx.perp.leverage)), 'ceil');
      if (margin > ctx.perp.availableMargin) {
        return deny('insufficient_balance', `${fx.format(margin, { decimals: 2 })} ${q}`, `${fx.format(ctx.perp.availableMargin, { decimals: 2 })} ${q}`, `the order needs ${fx.format(margin, { decimals: 2 })} ${q} of margin; ${fx.format(ctx.perp.availableMargin, { decimals: 2 })} ${q} is available`);
      }
    }
    return { allow: true };
  }

  if (order.side === 'buy') {
    const cost = notional + fx.mul(notional, fx.max(0n, ctx.takerFee), 'ceil');
    const minFree = fx.parse(config.minQuoteBalance);
    if (cost > ctx.free.quote) {
      return deny('insufficient_balance', `${fx.format(cost, { decimals: 2 })} ${q}`, `${fx.format(ctx.free.quote, { decimals: 2 })} ${q}`, `buying needs ${fx.format(cost, { decimals: 2 })} ${q}; only ${fx.format(ctx.free.quote, { decimals: 2 })} ${q} is free`);
    }
    if (minFree > 0n && ctx.free.quote - cost < minFree) {
      return deny('min_quote_balance', `${fx.format(ctx.free.quote - cost, { decimals: 2 })} ${q}`, `${config.minQuoteBalance} ${q}`, `this buy would leave ${fx.format(ctx.free.quote - cost, { decimals: 2 })} ${q} free; at least ${config.minQuoteBalance} ${q} must stay free`);
    }
  } else {
    const qty = inst.lotsToFixed(order.qtyLots);
    if (qty > ctx.free.base) {
      return deny('insufficient_balance', `${inst.lotsToQty(order.qtyLots)} ${inst.base}`, `${fx.format(ctx.free.base)} ${inst.base}`, `selling ${inst.lotsToQty(order.qtyLots)} ${inst.base} needs that much free; ${fx.format(ctx.free.base)} is free`);
    }
  }
  return { allow: true };
}
