// Tardis-style CSV (datasets of tardis.dev and tools writing the same layout), located by the
// header row's column names; timestamps are microseconds:
//   trades               exchange,symbol,timestamp,local_timestamp,id,side,price,amount
//   incremental_book_L2  exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount
//   book_snapshot_N      exchange,symbol,timestamp,local_timestamp,asks[0].price,asks[0].amount,bids[0].price,bids[0].amount,…
// In incremental_book_L2 a run of is_snapshot=true rows after other rows starts a new book; the
// run is written with its first row's times, so that it is one snapshot run (LevelEvent).
import { EngineError } from '@mm/core';
import type { MarketEvent } from '../events.ts';
import { BookEventEmitter } from '../book-events.ts';
import type { RecordedLevel } from '../recorded-book.ts';
import { BadRow, microsToMs, plainDecimal } from './fields.ts';
import type { Market, ParserContext, RowParser, SourceMeta } from './format.ts';

export type TardisKind = 'trades' | 'incremental_book_L2' | 'book_snapshot';

/** The Tardis kind a header row describes, if it is one. */
export function tardisKind(header: readonly string[]): TardisKind | undefined {
  const has = (name: string) => header.includes(name);
  if (!has('exchange') || !has('timestamp') || !has('local_timestamp')) return undefined;
  if (has('is_snapshot')) return 'incremental_book_L2';
  if (has('asks[0].price') || has('bids[0].price')) return 'book_snapshot';
  if (has('side') && has('price') && has('amount')) return 'trades';
  return undefined;
}

/** Tardis' exchange ids for derivatives; anything else is taken as spot unless told. */
function marketOf(exchange: string, symbol: string): Market {
  if (/futures|swap|perp|delivery|deribit|bitmex|dydx|hyperliquid/i.test(exchange) || /PERP|SWAP/i.test(symbol)) return 'perp';
  return 'spot';
}

export function tardisParser(kind: TardisKind, ctx: ParserContext): RowParser {
  let index: Record<string, number> = {};
  let depth = 0;
  let exchange: string | undefined;
  let symbol: string | undefined;
  let skipped = 0;
  const book = new BookEventEmitter();
  let run: { ts: number; localTs: number } | undefined;

  const col = (f: readonly string[], name: string): string => {
    const value = f[index[name]!];
    if (value === undefined) throw new BadRow(`the row has no ${name} column (${f.length} columns)`);
    return value;
  };
  const need = (names: string[]) => {
    const missing = names.filter((n) => index[n] === undefined);
    if (missing.length > 0) throw new EngineError('INVALID_ARGUMENT', `${ctx.path}: Tardis ${kind} header lacks ${missing.join(', ')}`);
  };

  return {
    get skipped() {
      return skipped;
    },
    isHeader(fields) {
      if (tardisKind(fields) === undefined) throw new EngineError('INVALID_ARGUMENT', `${ctx.path}:1: a Tardis ${kind} file starts with its header row (exchange,symbol,timestamp,…)`);
      index = Object.fromEntries(fields.map((name, i) => [name, i]));
      need(['exchange', 'symbol', 'timestamp', 'local_timestamp']);
      if (kind === 'trades') need(['side', 'price', 'amount']);
      if (kind === 'incremental_book_L2') need(['is_snapshot', 'side', 'price', 'amount']);
      if (kind === 'book_snapshot') while (index[`asks[${depth}].price`] !== undefined || index[`bids[${depth}].price`] !== undefined) depth++;
      return true;
    },
    row(f, out) {
      exchange ??= col(f, 'exchange');
      symbol ??= col(f, 'symbol');
      const ts = microsToMs(col(f, 'timestamp'), 'timestamp');
      const localTs = microsToMs(col(f, 'local_timestamp'), 'local_timestamp');
      if (kind === 'trades') {
        const side = col(f, 'side');
        if (side !== 'buy' && side !== 'sell') {
          if (side !== 'unknown' && side !== '') throw new BadRow(`side ${JSON.stringify(side)} is not buy, sell or unknown`);
          skipped++;
          return;
        }
        const id = index['id'] === undefined ? '' : col(f, 'id');
        const trade: MarketEvent = { kind: 'trade', ts, localTs, side, price: plainDecimal(col(f, 'price'), 'price'), qty: plainDecimal(col(f, 'amount'), 'amount') };
        out.push(id === '' ? trade : { ...trade, id });
        return;
      }
      if (kind === 'incremental_book_L2') {
        const snapshot = col(f, 'is_snapshot');
        if (snapshot !== 'true' && snapshot !== 'false') throw new BadRow(`is_snapshot ${JSON.stringify(snapshot)} is not true or false`);
        const sideText = col(f, 'side');
        if (sideText !== 'bid' && sideText !== 'ask') throw new BadRow(`side ${JSON.stringify(sideText)} is not bid or ask`);
        const price = plainDecimal(col(f, 'price'), 'price');
        const qty = plainDecimal(col(f, 'amount'), 'amount');
        if (snapshot === 'true') {
          run ??= { ts, localTs };
          out.push({ kind: 'level', ts: run.ts, localTs: run.localTs, side: sideText, price, qty, snapshot: true });
        } else {
          run = undefined;
          out.push({ kind: 'level', ts, localTs, side: sideText, price, qty, snapshot: false });
        }
        return;
      }
      const levels = (side: 'asks' | 'bids'): RecordedLevel[] => {
        const list: RecordedLevel[] = [];
        for (let i = 0; i < depth; i++) {
          const at = index[`${side}[${i}].price`];
          const price = at === undefined ? '' : (f[at] ?? '');
          if (price === '') continue;
          list.push([plainDecimal(price, `${side}[${i}].price`), plainDecimal(col(f, `${side}[${i}].amount`), `${side}[${i}].amount`)]);
        }
        return list;
      };
      for (const e of book.update(ts, localTs, levels('bids'), levels('asks'), true)) out.push(e);
    },
    meta(): SourceMeta {
      const ex = exchange ?? 'unknown';
      const sym = ctx.overrides.symbol ?? symbol ?? 'unknown';
      return { venue: ctx.overrides.venue ?? `tardis:${ex}`, symbol: sym, market: ctx.overrides.market ?? marketOf(ex, sym) };
    },
  };
}
