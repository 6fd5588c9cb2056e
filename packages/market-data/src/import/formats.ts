// The import formats by name, and telling a file's format from its name or its first line.
import { EngineError } from '@mm/core';
import { binanceFileName, binanceParser } from './binance.ts';
import type { BinanceKind } from './binance.ts';
import { binanceStreamParser, isBinanceStreamLine } from './binance-stream.ts';
import type { ParserContext, RowParser } from './format.ts';
import { tardisKind, tardisParser } from './tardis.ts';
import type { TardisKind } from './tardis.ts';

export const IMPORT_FORMATS = [
  'binance-trades',
  'binance-aggTrades',
  'binance-bookTicker',
  'tardis-trades',
  'tardis-incremental_book_L2',
  'tardis-book_snapshot',
  'binance-stream',
] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** A format name as a person may type it (book_snapshot_25 included), or undefined. */
export function importFormat(name: string): ImportFormat | undefined {
  const plain = name.replace(/^(tardis-book_snapshot)_\d+$/, '$1');
  return IMPORT_FORMATS.find((f) => f.toLowerCase() === plain.toLowerCase());
}

/** Header rows of Binance USD-M files. */
const BINANCE_HEADERS: Record<string, BinanceKind> = {
  id: 'trades',
  agg_trade_id: 'aggTrades',
  update_id: 'bookTicker',
};

export function detectFormat(path: string, fileName: string, firstLine: string): ImportFormat {
  const binance = binanceFileName(fileName);
  if (binance !== undefined) return `binance-${binance.kind}`;
  if (isBinanceStreamLine(firstLine)) return 'binance-stream';
  const fields = firstLine.split(',');
  const tardis = tardisKind(fields);
  if (tardis !== undefined) return `tardis-${tardis}`;
  const kind = BINANCE_HEADERS[fields[0] ?? ''];
  if (kind !== undefined) return `binance-${kind}`;
  throw new EngineError(
    'INVALID_ARGUMENT',
    `${path}: cannot tell the format (file name ${fileName}, first line ${JSON.stringify(firstLine.slice(0, 60))}); pass --format with one of ${IMPORT_FORMATS.join(', ')}`,
  );
}

export function parserFor(format: ImportFormat, ctx: ParserContext): RowParser {
  if (format === 'binance-stream') return binanceStreamParser(ctx);
  const [family, kind] = [format.slice(0, format.indexOf('-')), format.slice(format.indexOf('-') + 1)];
  return family === 'binance' ? binanceParser(kind as BinanceKind, ctx) : tardisParser(kind as TardisKind, ctx);
}
