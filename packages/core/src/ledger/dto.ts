// Ledger figures as the API shows them (decimal strings): one mapping for the live engine and
// for the server's view of stopped bots, so both read the same.
import * as fx from '../fixed.ts';
import type { Fixed } from '../fixed.ts';
import type { BotLedgerDto, LedgerFlowsDto } from '../api/types.ts';
import type { BotLedger, Flows } from './bot-ledger.ts';

const money = (v: Fixed) => fx.format(v, { decimals: 8 });
const qty = (v: Fixed) => fx.format(v);

function flowsDto(f: Readonly<Flows>): LedgerFlowsDto {
  return {
    maker: money(f.maker),
    taker: money(f.taker),
    volumeLeg: money(f.volumeLeg),
    total: money(f.maker + f.taker),
    buyQty: qty(f.buyQty),
    sellQty: qty(f.sellQty),
    fees: money(f.fees),
    realized: money(f.realized),
    funding: money(f.funding),
    trades: f.trades,
  };
}

const record = (m: ReadonlyMap<string, Fixed>) => Object.fromEntries([...m].map(([k, v]) => [k, qty(v)]));

/** The ledger valued at `mark` (undefined: unrealized counts as 0 and is said to be unknown by `mark`). */
export function ledgerDto(ledger: BotLedger, mark: Fixed | undefined, now: number): BotLedgerDto {
  const f = ledger.figures(mark, now);
  return {
    costMethod: 'average',
    mark: mark === undefined ? undefined : fx.format(mark),
    quoteAsset: ledger.spec.quote,
    baseAsset: ledger.spec.base,
    position: qty(f.position),
    averageEntry: f.averageEntry === undefined ? undefined : fx.format(f.averageEntry),
    realized: money(f.realized),
    unrealized: money(f.unrealized),
    fees: money(f.fees),
    feesByAsset: record(f.feesByAsset),
    unvaluedFees: record(f.unvaluedFees),
    funding: money(f.funding),
    net: money(f.net),
    today: { ...flowsDto(f.today), dayStart: f.today.dayStart, net: f.today.net === undefined ? undefined : money(f.today.net) },
    allTime: flowsDto(f.allTime),
    lastFillTime: ledger.lastFillTime,
  };
}
