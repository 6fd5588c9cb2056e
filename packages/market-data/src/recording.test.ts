import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SimClock } from '@mm/core';
import type { MarketEvent, RecordingHeader } from './events.ts';
import { loadRecording, readRecording } from './reader.ts';
import { RecordingWriter } from './writer.ts';

const HEADER: RecordingHeader = { format: 'mmrec', version: 1, venue: 'sim', symbol: 'DEMOUSDT', market: 'spot', source: 'test', startedAt: '2026-01-01T00:00:00.000Z', tickSize: '0.0001' };
const dir = mkdtempSync(join(tmpdir(), 'mmrec-'));

const EVENTS: MarketEvent[] = [
  { kind: 'level', ts: 1000, localTs: 1001, side: 'bid', price: '0.5000', qty: '120', snapshot: true },
  { kind: 'level', ts: 1000, localTs: 1001, side: 'ask', price: '0.5001', qty: '7.25', snapshot: true },
  { kind: 'trade', ts: 1002.5, localTs: 1003, side: 'sell', price: '0.5000', qty: '3', id: '42' },
  { kind: 'trade', ts: 1004, localTs: 1004, side: 'buy', price: '0.5001', qty: '1' },
  { kind: 'trade', ts: 1005, localTs: 1005, side: 'buy', price: '0.5001', qty: '1', id: 'a,b%c\nd' },
  { kind: 'level', ts: 1006, localTs: 1007, side: 'bid', price: '0.5000', qty: '0', snapshot: false },
  { kind: 'gap', ts: 1008, localTs: 1008, reason: 'market stream: socket closed, 100% lost\n(reconnecting)' },
];

async function collect(path: string) {
  const stream = await readRecording(path);
  const events: MarketEvent[] = [];
  for await (const e of stream) events.push(e);
  return { header: stream.header, events, status: stream.status };
}

test('every kind of event reads back exactly, streaming and in memory; the header too', async () => {
  const path = join(dir, 'all.mmrec.gz');
  const writer = await RecordingWriter.open(path, HEADER);
  for (const e of EVENTS) writer.write(e);
  await writer.close();
  assert.equal(writer.events, EVENTS.length);
  const streamed = await collect(path);
  assert.deepEqual(streamed.header, HEADER);
  assert.deepEqual(streamed.events, EVENTS);
  assert.equal(streamed.status.truncated, false);
  assert.equal(streamed.status.events, EVENTS.length);
  const loaded = await loadRecording(path);
  assert.deepEqual(loaded.events, EVENTS);
  assert.equal(loaded.status.truncated, false);
  // the text is what README.md says it is
  const text = (await import('node:zlib')).gunzipSync(readFileSync(path)).toString('utf8').split('\n');
  assert.match(text[0]!, /^#mmrec \{"format":"mmrec","version":1,/);
  assert.equal(text[3], 't,1002.5,1003,s,0.5000,3,42');
  assert.equal(text[5], 't,1005,1005,b,0.5001,1,a%2Cb%25c%0Ad');
  assert.equal(text[6], 'l,1006,1007,b,0.5000,0,D');
});

test('a file cut at any byte reads back every event up to the last flush before the cut, and says it was cut', async () => {
  const clock = new SimClock(0);
  const path = join(dir, 'cut.mmrec.gz');
  const writer = await RecordingWriter.open(path, HEADER, { clock });
  const flushedAt: { bytes: number; events: number }[] = [{ bytes: writer.bytes, events: 0 }];
  let n = 0;
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < 40; i++) writer.write({ kind: 'trade', ts: n, localTs: n, side: n % 2 === 0 ? 'buy' : 'sell', price: `${100 + (n % 7)}.25`, qty: `${n}`, id: `${n++}` });
    // the writer's own timer flushes once a second of its clock
    await clock.advance(1000);
    await writer.settled();
    flushedAt.push({ bytes: writer.bytes, events: n });
  }
  await writer.close();
  const whole = readFileSync(path);
  assert.ok(flushedAt.every((f, i) => i === 0 || f.bytes > flushedAt[i - 1]!.bytes), 'each second of the clock flushed more data to the file');
  const part = join(dir, 'part.mmrec.gz');
  for (let cut = 0; cut < whole.length; cut += 7) {
    writeFileSync(part, whole.subarray(0, cut));
    const reached = flushedAt.filter((f) => f.bytes <= cut).at(-1);
    if (reached === undefined) {
      // before the header's own flush: either no header yet, or the header and nothing else
      const early = await loadRecording(part).catch((error: Error) => error);
      if (early instanceof Error) assert.match(early.message, /no header/);
      else assert.equal(early.events.length, 0);
      continue;
    }
    const loaded = await loadRecording(part);
    assert.equal(loaded.status.truncated, true, `cut at ${cut}`);
    assert.ok(loaded.events.length >= reached.events, `cut at ${cut}: ${loaded.events.length} events, flushed ${reached.events}`);
    loaded.events.forEach((e, i) => assert.equal(e.kind === 'trade' && e.id, `${i}`));
    const streamed = await collect(part);
    assert.equal(streamed.events.length, loaded.events.length);
    assert.equal(streamed.status.truncated, true);
  }
});

test('a half-written last line is dropped and reported', async () => {
  const path = join(dir, 'half.mmrec.gz');
  writeFileSync(path, gzipSync(`#mmrec ${JSON.stringify(HEADER)}\nt,1,1,b,1,1\nt,2,2,b,1`));
  const loaded = await loadRecording(path);
  assert.equal(loaded.events.length, 1);
  assert.equal(loaded.status.truncated, true);
  assert.equal(loaded.status.partialLine, 't,2,2,b,1');
});

test('malformed content names the file and the line; a bad header says what is wrong', async () => {
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, gzipSync(text));
    return path;
  };
  const head = `#mmrec ${JSON.stringify(HEADER)}\n`;
  const cases: [string, RegExp][] = [
    [head + 't,1,1,b,1,1\nt,2,2,x,1,1\n', /bad\.mmrec\.gz:3: trade side must be b or s/],
    [head + 'l,1,1,b,1.5,2\n', /:2: missing the snapshot flag/],
    [head + 'l,1,1,b,1e5,2,S\n', /:2: price "1e5" is not a plain decimal/],
    [head + 't,,1,b,1,1\n', /:2: ts "" is not a number/],
    [head + 'x,1,1\n', /:2: unknown event/],
    ['t,1,1,b,1,1\n', /not an mmrec recording/],
    [`#mmrec {"format":"mmrec","version":2}\n`, /version 2 is not supported/],
    [`#mmrec ${JSON.stringify({ ...HEADER, market: 'futures' })}\n`, /market must be "spot" or "perp"/],
    [`#mmrec {nope\n`, /header is not valid JSON/],
  ];
  for (const [text, error] of cases) {
    const path = write('bad.mmrec.gz', text);
    await assert.rejects(loadRecording(path), error);
    await assert.rejects(
      (async () => {
        for await (const _ of await readRecording(path));
      })(),
      error,
    );
  }
  writeFileSync(join(dir, 'plain.txt'), 'not gzip at all');
  await assert.rejects(loadRecording(join(dir, 'plain.txt')), /not a readable \.mmrec\.gz file/);
  await assert.rejects(loadRecording(join(dir, 'missing.mmrec.gz')), /no such file/);
});

test('the writer refuses events the reader would refuse', async () => {
  const writer = await RecordingWriter.open(join(dir, 'refuse.mmrec.gz'), HEADER);
  assert.throws(() => writer.write({ kind: 'trade', ts: 1, localTs: 1, side: 'buy', price: '-1', qty: '1' }), /price "-1"/);
  assert.throws(() => writer.write({ kind: 'trade', ts: NaN, localTs: 1, side: 'buy', price: '1', qty: '1' }), /ts NaN/);
  await writer.close();
  await assert.rejects(RecordingWriter.open(join(dir, 'x.mmrec.gz'), { ...HEADER, symbol: '' }), /symbol must be a non-empty string/);
});
