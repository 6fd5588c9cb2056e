// `npm run record`: records a venue's public trades and L2 book into
// <out>/<venue>_<symbol>_<market>_<start>.mmrec.gz until --hours pass or Ctrl-C / SIGTERM, which
// flush and close the file (a second Ctrl-C exits at once; the file is readable up to its last
// flush even then, or after kill -9).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EngineError } from '@mm/core';
import type { Clock } from '@mm/core';
import { RecordingWriter } from '@mm/market-data';
import type { RecordingHeader } from '@mm/market-data';
import type { Output } from '../cli/output.ts';
import { market, one, parseFlags } from './args.ts';
import { openMarketSource } from './market-sources.ts';
import type { SourceDeps } from './market-sources.ts';
import { MarketRecorder } from './recorder.ts';
import { bytes, duration } from './tally.ts';

export const RECORD_USAGE = 'usage: npm run record -- --venue sim|asterdex|<ccxt id> --symbol S [--market spot|perp] [--hours H] [--out DIR]';

export interface RecordArgs {
  readonly venue: string;
  readonly symbol: string;
  readonly market: 'spot' | 'perp' | undefined;
  readonly hours: number | undefined;
  readonly out: string;
}

export function parseRecordArgs(argv: readonly string[]): RecordArgs {
  const flags = parseFlags(argv, ['venue', 'symbol', 'market', 'hours', 'out']);
  const venue = one(flags, 'venue');
  const symbol = one(flags, 'symbol');
  if (venue === undefined || symbol === undefined) throw new EngineError('INVALID_ARGUMENT', '--venue and --symbol are required');
  const hoursText = one(flags, 'hours');
  const hours = hoursText === undefined ? undefined : Number(hoursText);
  if (hours !== undefined && !(hours > 0 && hours <= 24 * 366)) throw new EngineError('INVALID_ARGUMENT', `--hours must be a positive number of hours, got ${hoursText}`);
  return { venue, symbol, market: market(flags), hours, out: one(flags, 'out') ?? 'data/recordings' };
}

export interface RecordSession {
  readonly path: string;
  readonly recorder: MarketRecorder;
  /** Flushes, closes the file and the feed; resolves with the summary. Idempotent. */
  stop(reason: string): Promise<string>;
  /** Resolves when the recording has stopped (by --hours or stop()). */
  readonly done: Promise<string>;
}

const stamp = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

export async function startRecording(args: RecordArgs, deps: SourceDeps & { readonly clock: Clock; readonly out: Output; readonly progressMs?: number; /** Rewrite one progress line (default) or print a line a minute. */ readonly tty?: boolean }): Promise<RecordSession> {
  const { clock, out } = deps;
  const source = await openMarketSource({ venue: args.venue, symbol: args.symbol, ...(args.market === undefined ? {} : { market: args.market }) }, deps);
  const startedAt = clock.now();
  const dir = resolve(args.out);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${source.venue}_${args.symbol.replace(/[^A-Za-z0-9._-]/g, '-')}_${source.market}_${stamp(startedAt)}.mmrec.gz`);
  const header: RecordingHeader = {
    format: 'mmrec',
    version: 1,
    venue: source.venue,
    symbol: source.instrument.symbol,
    market: source.market,
    source: 'recorder',
    startedAt: new Date(startedAt).toISOString(),
    tickSize: source.instrument.tickSize,
    lotSize: source.instrument.lotSize,
  };
  let writer: RecordingWriter;
  try {
    writer = await RecordingWriter.open(path, header, { clock });
  } catch (error) {
    await source.close();
    throw error;
  }
  const recorder = new MarketRecorder({ source, writer, clock });
  const progress = (): string => `${duration(clock.now() - startedAt)} elapsed, ${recorder.tally.counts()}, ${bytes(writer.bytes)}`;
  const hoursMs = args.hours === undefined ? Infinity : args.hours * 3_600_000;
  const tty = deps.tty ?? true;
  let ticks = 0;
  // one timer for the progress line and the --hours limit (a timer of weeks would overflow)
  const timer = clock.setInterval(() => {
    if (clock.now() - startedAt >= hoursMs) void stop(`${args.hours} h elapsed`);
    else if (tty) out.stderr(`\r${progress()}   `);
    else if (++ticks % 60 === 0) out.stderr(`${progress()}\n`);
  }, deps.progressMs ?? 1000);
  let finish: (summary: string) => void = () => undefined;
  const done = new Promise<string>((r) => (finish = r));
  let stopping: Promise<string> | undefined;
  const stop = (reason: string): Promise<string> =>
    (stopping ??= (async () => {
      clock.clearTimer(timer);
      await recorder.stop();
      await writer.close();
      await source.close();
      const t = recorder.tally;
      const summary = [`\nrecording stopped (${reason}): ${path}`, `  ${t.counts()}, ${t.snapshots} book snapshots, ${bytes(writer.bytes)}`, `  span ${t.span()}`].join('\n') + '\n';
      finish(summary);
      return summary;
    })());
  out.stderr(`recording ${source.venue} ${header.symbol} ${source.market} → ${path}\n`);
  try {
    await recorder.start();
  } catch (error) {
    await stop('failed to subscribe');
    throw error;
  }
  return { path, recorder, stop, done };
}
