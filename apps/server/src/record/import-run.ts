// `npm run import`: public data files (Binance, Tardis-style CSV) into one .mmrec.gz, several
// inputs merged by time, an optional [from, to) window, a progress line and a summary. A failed
// import removes its half-written output, so no one replays part of a file by mistake.
import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { EngineError } from '@mm/core';
import type { Clock } from '@mm/core';
import { RecordingWriter, mergeByTime, openImport, withinWindow } from '@mm/market-data';
import type { ImportedSource, RecordingHeader } from '@mm/market-data';
import type { Output } from '../cli/output.ts';
import { isoTime, market, one, parseFlags } from './args.ts';
import { EventTally, bytes, count } from './tally.ts';

export const IMPORT_USAGE =
  'usage: npm run import -- --in <file> [--in <file> ...] --out <file.mmrec.gz> [--format <name>] [--symbol S] [--venue V] [--market spot|perp] [--from ISO] [--to ISO]';

export interface ImportArgs {
  readonly inputs: readonly string[];
  readonly out: string;
  readonly format?: string;
  readonly symbol?: string;
  readonly venue?: string;
  readonly market?: 'spot' | 'perp';
  readonly from?: number;
  readonly to?: number;
}

export function parseImportArgs(argv: readonly string[]): ImportArgs {
  const flags = parseFlags(argv, ['in', 'out', 'format', 'symbol', 'venue', 'market', 'from', 'to']);
  const inputs = flags.get('in') ?? [];
  const out = one(flags, 'out');
  if (inputs.length === 0 || out === undefined) throw new EngineError('INVALID_ARGUMENT', 'at least one --in and an --out are required');
  if (!out.endsWith('.mmrec.gz')) throw new EngineError('INVALID_ARGUMENT', `--out ${out}: the output file name must end in .mmrec.gz`);
  const from = isoTime(flags, 'from');
  const to = isoTime(flags, 'to');
  if (from !== undefined && to !== undefined && !(from < to)) throw new EngineError('INVALID_ARGUMENT', '--from must be before --to');
  const optional = { format: one(flags, 'format'), symbol: one(flags, 'symbol'), venue: one(flags, 'venue'), market: market(flags), from, to };
  return { inputs, out, ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) };
}

export interface ImportResult {
  readonly header: RecordingHeader;
  readonly tally: EventTally;
  readonly bytes: number;
  readonly summary: string;
}

function headerFor(sources: readonly ImportedSource[], args: ImportArgs): RecordingHeader {
  const first = sources[0]!.header;
  if (args.symbol === undefined) {
    const symbols = [...new Set(sources.map((s) => s.header.symbol))];
    if (symbols.length > 1) throw new EngineError('INVALID_ARGUMENT', `the inputs are for different symbols (${symbols.join(', ')}); pass --symbol to merge them anyway`);
  }
  const starts = sources.map((s) => Date.parse(s.header.startedAt));
  const formats = [...new Set(sources.map((s) => s.format))];
  return {
    format: 'mmrec',
    version: 1,
    venue: args.venue ?? first.venue,
    symbol: args.symbol ?? first.symbol,
    market: args.market ?? first.market,
    source: `import:${formats.join('+')}`,
    startedAt: new Date(args.from ?? Math.min(...starts)).toISOString(),
    note: `from ${sources.map((s) => basename(s.path)).join(', ')}`,
  };
}

export async function runImport(args: ImportArgs, deps: { readonly clock: Clock; readonly out: Output; readonly progressMs?: number; /** Rewrite one progress line (default) or print one every 60 ticks. */ readonly tty?: boolean }): Promise<ImportResult> {
  const { clock, out } = deps;
  const sources: ImportedSource[] = [];
  let writer: RecordingWriter | undefined;
  const tally = new EventTally();
  const progress = (): string => {
    const read = sources.reduce((n, s) => n + s.progress.bytesRead, 0);
    const total = sources.reduce((n, s) => n + s.progress.totalBytes, 0);
    return `import: ${total === 0 ? 100 : Math.floor((read / total) * 100)} % of ${bytes(total)} read, ${tally.counts()} written`;
  };
  const tty = deps.tty ?? true;
  let ticks = 0;
  const timer = clock.setInterval(() => {
    if (tty) out.stderr(`\r${progress()}   `);
    else if (++ticks % 60 === 0) out.stderr(`${progress()}\n`);
  }, deps.progressMs ?? 500);
  try {
    for (const path of args.inputs) {
      sources.push(await openImport(path, { ...(args.format === undefined ? {} : { format: args.format }), ...(args.symbol === undefined ? {} : { symbol: args.symbol }), ...(args.venue === undefined ? {} : { venue: args.venue }), ...(args.market === undefined ? {} : { market: args.market }) }));
    }
    const header = headerFor(sources, args);
    writer = await RecordingWriter.open(args.out, header, { clock });
    const window = { ...(args.from === undefined ? {} : { from: args.from }), ...(args.to === undefined ? {} : { to: args.to }) };
    for await (const event of withinWindow(mergeByTime(...sources), window)) {
      tally.add(event);
      if (!writer.write(event)) await writer.drain();
    }
    await writer.close();
    const lines = [
      `${tty ? '\r' : ''}${progress()}`,
      `wrote ${args.out} (${bytes(writer.bytes)}): ${header.venue} ${header.symbol} ${header.market}, ${header.source}`,
      `  ${tally.counts()}`,
      `  span ${tally.span()}`,
      ...sources.map((s) => `  ${basename(s.path)}: ${s.format}, ${count(s.progress.lines)} lines${s.progress.skipped > 0 ? `, ${s.progress.skipped} rows skipped (nothing importable)` : ''}${s.progress.backwards > 0 ? `, ${s.progress.backwards} events earlier than the one before` : ''}`),
    ];
    return { header, tally, bytes: writer.bytes, summary: lines.join('\n') + '\n' };
  } catch (error) {
    if (writer !== undefined) {
      await writer.close().catch(() => undefined);
      rmSync(args.out, { force: true });
    }
    throw error;
  } finally {
    clock.clearTimer(timer);
  }
}
