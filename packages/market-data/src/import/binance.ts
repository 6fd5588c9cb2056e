// Binance public data (data.binance.vision), spot and USD-M futures:
//   trades     id,price,qty,quote_qty,time,is_buyer_maker[,is_best_match]
//   aggTrades  agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker[,is_best_match]
//   bookTicker update_id,best_bid_price,best_bid_qty,best_ask_price,best_ask_qty,transaction_time,event_time (USD-M)
// USD-M files start with a header row, spot files do not; spot rows have the extra
// is_best_match column, which also tells spot from futures when the path does not.
// is_buyer_maker = true: the buyer's order was resting, so the aggressor sold.
// Binance gives one time only, so localTs = ts (bookTicker: the event time).
import { EngineError } from '@mm/core';
import type { MarketEvent } from '../events.ts';
import { BookEventEmitter } from '../book-events.ts';
import { BadRow, bool, msOrMicros, plainDecimal } from './fields.ts';
import type { Market, ParserContext, RowParser, SourceMeta } from './format.ts';

export type BinanceKind = 'trades' | 'aggTrades' | 'bookTicker';

const NAME = /^([A-Z0-9]+)-(trades|aggTrades|bookTicker)-\d{4}-\d{2}(?:-\d{2})?\.csv$/i;

/** Symbol and kind from a data.binance.vision file name such as BTCUSDT-aggTrades-2025-01-02.csv. */
export function binanceFileName(name: string): { symbol: string; kind: BinanceKind } | undefined {
  const m = NAME.exec(name);
  if (m === null) return undefined;
  const kind = (['trades', 'aggTrades', 'bookTicker'] as const).find((k) => k.toLowerCase() === m[2]!.toLowerCase())!;
  return { symbol: m[1]!.toUpperCase(), kind };
}

/** The market a path's layout names (…/spot/… or …/futures/um/…), if any. */
function marketFromPath(path: string): Market | undefined {
  const p = path.replace(/\\/g, '/');
  if (/\/futures\/(um|cm)\//.test(p)) return 'perp';
  if (/\/spot\//.test(p)) return 'spot';
  return undefined;
}

const VENUE: Record<Market, string> = { spot: 'binance', perp: 'binance-futures' };

/** Column counts of spot rows (futures rows have one fewer). */
const SPOT_COLUMNS: Record<BinanceKind, number> = { trades: 7, aggTrades: 8, bookTicker: 0 };

export function binanceParser(kind: BinanceKind, ctx: ParserContext): RowParser {
  const fromName = binanceFileName(ctx.fileName);
  const symbol = ctx.overrides.symbol ?? fromName?.symbol;
  if (symbol === undefined) {
    throw new EngineError('INVALID_ARGUMENT', `${ctx.path}: cannot tell the symbol from the file name ${ctx.fileName}; pass --symbol`);
  }
  let market: Market | undefined = ctx.overrides.market ?? marketFromPath(ctx.path) ?? (kind === 'bookTicker' ? 'perp' : undefined);
  let headerRow = false;
  const book = new BookEventEmitter();
  const columns = (fields: readonly string[]): void => {
    const spot = SPOT_COLUMNS[kind];
    const allowed = kind === 'bookTicker' ? [7] : [spot - 1, spot];
    if (!allowed.includes(fields.length)) throw new BadRow(`expected ${allowed.join(' or ')} columns for Binance ${kind}, found ${fields.length}`);
    // the first data row decides, unless the path or the caller did; a header row means futures
    market ??= headerRow ? 'perp' : fields.length === spot ? 'spot' : 'perp';
  };
  const trade = (id: string, price: string, qty: string, time: string, buyerMaker: string): MarketEvent => {
    const ts = msOrMicros(time, 'time');
    return { kind: 'trade', ts, localTs: ts, side: bool(buyerMaker, 'is_buyer_maker') ? 'sell' : 'buy', price: plainDecimal(price, 'price'), qty: plainDecimal(qty, 'qty'), id };
  };
  return {
    skipped: 0,
    isHeader(fields) {
      // data rows start with a numeric id
      headerRow = !/^\d+$/.test(fields[0] ?? '');
      return headerRow;
    },
    row(f, out) {
      columns(f);
      if (kind === 'trades') out.push(trade(f[0]!, f[1]!, f[2]!, f[4]!, f[5]!));
      else if (kind === 'aggTrades') out.push(trade(f[0]!, f[1]!, f[2]!, f[5]!, f[6]!));
      else {
        const level = (price: string, qty: string, what: string) => [plainDecimal(price, `${what} price`), plainDecimal(qty, `${what} qty`)] as const;
        const bid = level(f[1]!, f[2]!, 'best_bid');
        const ask = level(f[3]!, f[4]!, 'best_ask');
        const nonEmpty = (l: readonly [string, string]) => (/[1-9]/.test(l[1]) ? [l] : []);
        for (const e of book.update(msOrMicros(f[5]!, 'transaction_time'), msOrMicros(f[6]!, 'event_time'), nonEmpty(bid), nonEmpty(ask), true)) out.push(e);
      }
    },
    meta(): SourceMeta {
      const m = market ?? 'spot';
      return { venue: ctx.overrides.venue ?? VENUE[m], symbol, market: m };
    },
  };
}
