// Opens a public-data file as a stream of MarketEvents with the header its recording gets:
// the packing (plain, gzip, zip) and format are told from the file, rows are parsed as they are
// read (constant memory), and a malformed row stops the import with its line number.
import { EngineError } from '@mm/core';
import type { MarketEvent, RecordingHeader } from '../events.ts';
import { openTextInput } from '../input/input.ts';
import { BadRow } from './fields.ts';
import type { MetaOverrides } from './format.ts';
import { detectFormat, importFormat, IMPORT_FORMATS, parserFor } from './formats.ts';
import type { ImportFormat } from './formats.ts';

export interface ImportOptions extends MetaOverrides {
  /** One of IMPORT_FORMATS (tardis-book_snapshot_25 and the like accepted); detected when absent. */
  readonly format?: string;
  /** Called after each chunk of the file (about 1 MiB) is parsed. */
  readonly onProgress?: (progress: Readonly<ImportProgress>) => void;
}

export interface ImportProgress {
  readonly path: string;
  /** Bytes of the file read (compressed bytes for .gz and .zip). */
  bytesRead: number;
  readonly totalBytes: number;
  /** Lines read, a header row included. */
  lines: number;
  events: number;
  /** Rows with nothing importable (e.g. a Tardis trade of unknown side). */
  skipped: number;
  /** Events whose ts is earlier than the one before (Tardis files are ordered by local time). */
  backwards: number;
}

export interface ImportedSource extends AsyncIterable<MarketEvent> {
  readonly path: string;
  readonly format: ImportFormat;
  /** startedAt is the first event's time. */
  readonly header: RecordingHeader;
  readonly progress: Readonly<ImportProgress>;
}

export async function openImport(path: string, options: ImportOptions = {}): Promise<ImportedSource> {
  const input = await openTextInput(path);
  const batches = input.lines[Symbol.asyncIterator]();
  let format: ImportFormat | undefined;
  if (options.format !== undefined) {
    format = importFormat(options.format);
    if (format === undefined) throw new EngineError('INVALID_ARGUMENT', `unknown format "${options.format}"; use one of ${IMPORT_FORMATS.join(', ')}`);
  }
  const progress: ImportProgress = { path, bytesRead: 0, totalBytes: input.progress.totalBytes, lines: 0, events: 0, skipped: 0, backwards: 0 };
  const overrides: MetaOverrides = { ...(options.venue === undefined ? {} : { venue: options.venue }), ...(options.symbol === undefined ? {} : { symbol: options.symbol }), ...(options.market === undefined ? {} : { market: options.market }) };

  let parser: ReturnType<typeof parserFor> | undefined;
  let lastTs = -Infinity;
  /** Parses one batch of lines into events. */
  const parse = (lines: string[], out: MarketEvent[]): void => {
    for (const line of lines) {
      const number = ++progress.lines;
      if (line.length === 0) continue;
      try {
        if (parser === undefined) {
          format ??= detectFormat(path, input.name, line);
          parser = parserFor(format, { fileName: input.name, path, overrides });
          if (parser.line === undefined && parser.isHeader(line.split(','))) continue;
        }
        const before = out.length;
        if (parser.line !== undefined) parser.line(line, out);
        else parser.row(line.split(','), out);
        for (let i = before; i < out.length; i++) {
          const ts = out[i]!.ts;
          if (ts < lastTs) progress.backwards++;
          lastTs = ts;
        }
      } catch (error) {
        if (!(error instanceof BadRow)) throw error;
        throw new EngineError('INVALID_ARGUMENT', `${path}:${number}: ${error.message}: ${JSON.stringify(line.length > 100 ? line.slice(0, 100) + '…' : line)}`, { details: { file: path, line: number } });
      }
    }
    progress.bytesRead = input.progress.bytesRead;
    progress.skipped = parser?.skipped ?? 0;
    progress.events += out.length;
    options.onProgress?.(progress);
  };

  // read up to the first event: it gives the header its start time, and the format its meta data
  let pending: MarketEvent[] = [];
  while (pending.length === 0) {
    const next = await batches.next();
    if (next.done === true) {
      parser?.end?.(pending);
      break;
    }
    parse(next.value, pending);
  }
  if (pending.length === 0 || parser === undefined || format === undefined) {
    await batches.return?.(undefined);
    throw new EngineError('INVALID_ARGUMENT', `${path}: no events in the file (${progress.lines} lines)`);
  }
  const meta = parser.meta();
  const header: RecordingHeader = {
    format: 'mmrec',
    version: 1,
    venue: meta.venue,
    symbol: meta.symbol,
    market: meta.market,
    source: `import:${format}`,
    startedAt: new Date(pending[0]!.ts).toISOString(),
  };

  let used = false;
  async function* events(): AsyncGenerator<MarketEvent> {
    if (used) throw new EngineError('ILLEGAL_STATE', `${path}: an import can be iterated once; open it again`);
    used = true;
    try {
      for (;;) {
        yield* pending;
        pending = [];
        const next = await batches.next();
        if (next.done === true) {
          const rest: MarketEvent[] = [];
          parser?.end?.(rest);
          yield* rest;
          return;
        }
        parse(next.value, pending);
      }
    } finally {
      await batches.return?.(undefined);
    }
  }
  return { path, format, header, progress, [Symbol.asyncIterator]: events };
}
