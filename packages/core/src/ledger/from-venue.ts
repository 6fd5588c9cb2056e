// Venue fills and instruments in the ledger's terms: exact decimals, contract multiplier applied.
import * as fx from '../fixed.ts';
import type { Fixed } from '../fixed.ts';
import type { Fill, OrderTag } from '../domain.ts';
import type { Instrument } from '../instrument.ts';
import type { LedgerFill, LedgerSpec } from './bot-ledger.ts';

/** The ledger currencies of a bot on `inst`: PnL in the quote (spot) or margin asset (perps). */
export function ledgerSpecOf(inst: Instrument, timeZone: string): LedgerSpec {
  return { base: inst.base, quote: inst.kind === 'perp' ? inst.marginAsset : inst.quote, timeZone };
}

export function ledgerFillOf(inst: Instrument, fill: Fill, tag: OrderTag, reference: Fixed | undefined): LedgerFill {
  return {
    side: fill.side,
    qty: (inst.lotsToFixed(fill.qtyLots) * inst.multiplier) / fx.SCALE,
    price: inst.ticksToFixed(fill.priceTicks),
    notional: inst.notional(fill.priceTicks, fill.qtyLots),
    fee: fill.fee,
    feeAsset: fill.feeAsset,
    liquidity: fill.liquidity,
    tag,
    venueTime: fill.venueTime,
    reference,
  };
}
