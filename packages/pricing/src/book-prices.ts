// Prices derived from the top of one order book. Book levels are integer ticks and lots; the
// results are exact decimals (a mid or microprice is generally not on the tick grid).
import { fx } from '@mm/core';
import type { BookSnapshot, Fixed, Instrument } from '@mm/core';

/** (bid + ask) / 2, rounded half-up at the 18th decimal (exact for any tick with fewer decimals). */
export function midPrice(bid: Fixed, ask: Fixed): Fixed {
  return fx.divInt(bid + ask, 2n, 'half-up');
}

/**
 * Size-weighted mid: (bid·askQty + ask·bidQty) / (bidQty + askQty). A heavy bid pulls the price
 * toward the ask, because the thin side is the one about to be consumed. Quantities may be in any
 * common unit (lots or base), only their ratio matters. With no size on either side it is the mid.
 */
export function microPrice(bid: Fixed, bidQty: Fixed, ask: Fixed, askQty: Fixed): Fixed {
  const total = bidQty + askQty;
  if (total <= 0n) return midPrice(bid, ask);
  return fx.divInt(bid * askQty + ask * bidQty, total, 'half-up');
}

export interface TopOfBook {
  readonly bid: Fixed;
  readonly ask: Fixed;
  /** Lots at the best price, as exact integers (as Fixed-compatible bigints, unscaled). */
  readonly bidLots: bigint;
  readonly askLots: bigint;
}

export type TopOfBookResult =
  | { readonly ok: true; readonly top: TopOfBook }
  | { readonly ok: false; readonly reason: 'no_data' | 'crossed_book'; readonly detail: string };

/** The best bid and ask of a snapshot, or why there is no usable two-sided top. */
export function topOfBook(book: BookSnapshot, instrument: Instrument): TopOfBookResult {
  const bid = book.bids[0];
  const ask = book.asks[0];
  if (bid === undefined || ask === undefined) {
    const missing = bid === undefined && ask === undefined ? 'no bids and no asks' : bid === undefined ? 'no bids' : 'no asks';
    return { ok: false, reason: 'no_data', detail: `${book.symbol} book has ${missing}` };
  }
  if (bid.priceTicks >= ask.priceTicks) {
    return {
      ok: false,
      reason: 'crossed_book',
      detail: `${book.symbol} book is crossed: best bid ${instrument.ticksToPrice(bid.priceTicks)} ≥ best ask ${instrument.ticksToPrice(ask.priceTicks)}`,
    };
  }
  return {
    ok: true,
    top: { bid: instrument.ticksToFixed(bid.priceTicks), ask: instrument.ticksToFixed(ask.priceTicks), bidLots: BigInt(bid.qtyLots), askLots: BigInt(ask.qtyLots) },
  };
}
