// Recorded market data: how fast a .mmrec.gz recording is written, streamed and loaded into
// memory for replay (the replay wants well over 1M events/s end to end).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, SimClock } from '@mm/core';
import { RecordingWriter, loadRecording, readRecording } from '@mm/market-data';
import type { MarketEvent } from '@mm/market-data';
import type { Benchmark } from './types.ts';

const EVENTS = 1_000_000;

/** A busy book: mostly level diffs around a drifting mid, a trade every 8 events, a snapshot every 50k. */
function makeEvents(n: number, seed: number): MarketEvent[] {
  const rng = new Rng(seed);
  const events: MarketEvent[] = [];
  let mid = 2_500_000;
  let ts = Date.UTC(2026, 0, 1);
  for (let i = 0; events.length < n; i++) {
    ts += rng.int(0, 3);
    mid += rng.int(-2, 2);
    const price = (ticks: number) => `${Math.floor(ticks / 100)}.${String(ticks % 100).padStart(2, '0')}`;
    if (i % 50_000 === 0) {
      for (let k = 1; k <= 20; k++) events.push({ kind: 'level', ts, localTs: ts + 3, side: k % 2 === 0 ? 'bid' : 'ask', price: price(mid + (k % 2 === 0 ? -k : k)), qty: `${rng.int(1, 90_000) / 1000}`, snapshot: true });
    } else if (i % 8 === 0) {
      events.push({ kind: 'trade', ts, localTs: ts + 3, side: rng.bool() ? 'buy' : 'sell', price: price(mid), qty: `${rng.int(1, 5_000) / 1000}`, id: `${1_000_000_000 + i}` });
    } else {
      const bid = rng.bool();
      events.push({ kind: 'level', ts, localTs: ts + 3, side: bid ? 'bid' : 'ask', price: price(mid + (bid ? -rng.int(1, 20) : rng.int(1, 20))), qty: rng.int(0, 3) === 0 ? '0' : `${rng.int(1, 90_000) / 1000}`, snapshot: false });
    }
  }
  return events;
}

interface Prepared {
  readonly dir: string;
  readonly path: string;
  readonly events: MarketEvent[];
}

async function write(path: string, events: readonly MarketEvent[]): Promise<void> {
  const writer = await RecordingWriter.open(path, { format: 'mmrec', version: 1, venue: 'bench', symbol: 'BNCHUSDT', market: 'perp', source: 'bench', startedAt: new Date(events[0]!.ts).toISOString() }, { clock: new SimClock(0) });
  for (const e of events) if (!writer.write(e)) await writer.drain();
  await writer.close();
}

let shared: Prepared | undefined;
/** One set of events and one directory for all three benchmarks. */
function prepare(): Prepared {
  if (shared !== undefined) return shared;
  const dir = mkdtempSync(join(tmpdir(), 'mmrec-bench-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  shared = { dir, path: join(dir, 'bench.mmrec.gz'), events: makeEvents(EVENTS, 3) };
  return shared;
}

let written: string | undefined;
async function recording(p: Prepared): Promise<string> {
  if (written === undefined) {
    await write(p.path, p.events);
    written = p.path;
  }
  return written;
}

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

export const marketDataBenchmarks: Benchmark[] = [
  {
    name: 'market-data.load',
    description: 'loadRecording: gunzip + decode a 1M-event .mmrec.gz into memory (the replay path)',
    prepare,
    run: async (prepared) => {
      const p = prepared as Prepared;
      const path = await recording(p);
      const start = process.hrtime.bigint();
      const loaded = await loadRecording(path);
      const s = seconds(start);
      if (loaded.events.length !== p.events.length) throw new Error(`read ${loaded.events.length} events, wrote ${p.events.length}`);
      return { 'market-data.load_events_per_s': p.events.length / s };
    },
  },
  {
    name: 'market-data.stream',
    description: 'readRecording: the same file event by event through the async iterator (constant memory)',
    prepare,
    run: async (prepared) => {
      const p = prepared as Prepared;
      const path = await recording(p);
      const start = process.hrtime.bigint();
      let n = 0;
      for await (const _ of await readRecording(path)) n++;
      const s = seconds(start);
      if (n !== p.events.length) throw new Error(`read ${n} events, wrote ${p.events.length}`);
      return { 'market-data.stream_events_per_s': n / s };
    },
  },
  {
    name: 'market-data.write',
    description: 'RecordingWriter: encode + gzip 1M events to a file',
    runs: 3,
    prepare,
    run: async (prepared) => {
      const p = prepared as Prepared;
      const start = process.hrtime.bigint();
      await write(join(p.dir, 'write.mmrec.gz'), p.events);
      return { 'market-data.write_events_per_s': p.events.length / seconds(start) };
    },
  },
];
