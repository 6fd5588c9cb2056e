// What every importer format provides: a row parser that turns the CSV's rows into events,
// and the venue, symbol and market it learnt from the file (for the recording's header).
import type { MarketEvent } from '../events.ts';

export type Market = 'spot' | 'perp';

export interface SourceMeta {
  readonly venue: string;
  readonly symbol: string;
  readonly market: Market;
}

/** What the caller knows better than the file (CLI flags). */
export interface MetaOverrides {
  readonly venue?: string;
  readonly symbol?: string;
  readonly market?: Market;
}

export interface RowParser {
  /** Is this first line of the file a header row (names, not data)? It is then not parsed as a row. */
  isHeader(fields: readonly string[]): boolean;
  /** Appends the events of one data row; throws BadRow when it is malformed. */
  row(fields: readonly string[], out: MarketEvent[]): void;
  /** Venue, symbol and market, valid after the first data row. */
  meta(): SourceMeta;
  /** Rows that carry nothing importable (a trade of unknown side), counted instead of guessed. */
  readonly skipped: number;
  /** Formats whose lines are not CSV take the whole line instead of `row`. */
  line?(line: string, out: MarketEvent[]): void;
  /** Emits what the parser still holds at the end of the file. */
  end?(out: MarketEvent[]): void;
}

export interface ParserContext {
  /** The CSV's own name (inside a zip: the entry's), for symbol and kind. */
  readonly fileName: string;
  /** The path given, for layout hints such as /futures/um/. */
  readonly path: string;
  readonly overrides: MetaOverrides;
}
