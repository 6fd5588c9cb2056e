// One event per line, compact CSV (see README.md):
//   t,<ts>,<localTs>,<b|s>,<price>,<qty>[,<id>]
//   l,<ts>,<localTs>,<b|a>,<price>,<qty>,<S|D>
//   g,<ts>,<localTs>,<reason>
// Trade ids and gap reasons are percent-encoded (encodeURIComponent), so neither can hold a comma
// or a line break. The decoder is the replay's hot path.
import { EngineError } from '@mm/core';
import type { MarketEvent } from './events.ts';

const DECIMAL = /^\d+(?:\.\d+)?$/;

function checkDecimal(value: string, what: string): string {
  if (!DECIMAL.test(value)) throw new EngineError('INVALID_ARGUMENT', `${what} ${JSON.stringify(value)} is not a plain decimal (digits with an optional fraction)`);
  return value;
}

function checkTime(value: number, what: string): number {
  if (!Number.isFinite(value)) throw new EngineError('INVALID_ARGUMENT', `${what} ${value} is not a finite number of milliseconds`);
  return value;
}

/** The line for an event, without its line break. Refuses what the reader would refuse. */
export function encodeEvent(event: MarketEvent): string {
  const times = `${checkTime(event.ts, 'ts')},${checkTime(event.localTs, 'localTs')}`;
  switch (event.kind) {
    case 'trade': {
      const head = `t,${times},${event.side === 'buy' ? 'b' : 's'},${checkDecimal(event.price, 'price')},${checkDecimal(event.qty, 'qty')}`;
      return event.id === undefined ? head : `${head},${encodeURIComponent(event.id)}`;
    }
    case 'level':
      return `l,${times},${event.side === 'bid' ? 'b' : 'a'},${checkDecimal(event.price, 'price')},${checkDecimal(event.qty, 'qty')},${event.snapshot ? 'S' : 'D'}`;
    case 'gap':
      return `g,${times},${encodeURIComponent(event.reason)}`;
  }
}

/** Thrown for a line that is not an event; the reader adds the file and line number. */
export class BadLine extends Error {}

// The byte decoder below reads straight from the decompressed buffer: no string per line, and
// timestamps parsed from digits (allocating strings and numbers is what limits replay speed).
let pos = 0;

const COMMA = 44;
const DOT = 46;

function text(buf: Buffer, from: number, to: number): string {
  return buf.toString('latin1', from, to);
}

/** Reads a time field up to the next comma (or `end`), leaving `pos` after the comma. */
function time(buf: Buffer, end: number, what: string): number {
  const from = pos;
  let i = from;
  let value = 0;
  let digitsOnly = true;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c === COMMA) break;
    if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
    else digitsOnly = false;
  }
  pos = i + 1;
  // more than 15 digits may not be exact in a double: let Number round them correctly
  if (digitsOnly && i > from && i - from <= 15) return value;
  const raw = text(buf, from, i);
  const parsed = Number(raw);
  if (raw.length === 0 || !Number.isFinite(parsed)) throw new BadLine(`${what} ${JSON.stringify(raw)} is not a number`);
  return parsed;
}

/** Reads a plain decimal (digits, optionally a dot and more digits) up to the next comma. */
function decimal(buf: Buffer, end: number, what: string): string {
  const from = pos;
  let i = from;
  let dot = -1;
  let ok = true;
  for (; i < end; i++) {
    const c = buf[i]!;
    if (c === COMMA) break;
    if (c === DOT && dot < 0) dot = i;
    else if (c < 48 || c > 57) ok = false;
  }
  pos = i + 1;
  if (!ok || i === from || dot === from || dot === i - 1) throw new BadLine(`${what} ${JSON.stringify(text(buf, from, i))} is not a plain decimal`);
  return text(buf, from, i);
}

/** One letter followed by a comma. */
function letter(buf: Buffer, end: number, what: string): number {
  const c = buf[pos]!;
  if (pos >= end || (pos + 1 < end && buf[pos + 1] !== COMMA)) throw new BadLine(`the ${what} must be one letter`);
  pos += 2;
  return c;
}

function escaped(buf: Buffer, from: number, end: number, what: string): string {
  const raw = text(buf, from, end);
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new BadLine(`${what} ${JSON.stringify(raw)} is not percent-encoded correctly`);
  }
}

function need(end: number, what: string): void {
  if (pos > end) throw new BadLine(`missing ${what}`);
}

/** Parses the event in buf[start, end) (a line without its line break); throws BadLine. */
export function decodeEventBytes(buf: Buffer, start: number, end: number): MarketEvent {
  const kind = buf[start];
  if (end - start < 2 || buf[start + 1] !== COMMA || (kind !== 116 /* t */ && kind !== 108 /* l */ && kind !== 103 /* g */)) {
    throw new BadLine(`unknown event ${JSON.stringify(text(buf, start, Math.min(end, start + 20)))} (expected t, l or g and a comma)`);
  }
  pos = start + 2;
  const ts = time(buf, end, 'ts');
  need(end, 'localTs');
  const localTs = time(buf, end, 'localTs');
  if (kind === 103) {
    need(end, 'reason');
    return { kind: 'gap', ts, localTs, reason: escaped(buf, pos, end, 'reason') };
  }
  need(end, 'side');
  const sideCode = letter(buf, end, 'side');
  need(end, 'price');
  const price = decimal(buf, end, 'price');
  need(end, 'qty');
  const qty = decimal(buf, end, 'qty');
  if (kind === 116) {
    if (sideCode !== 98 /* b */ && sideCode !== 115 /* s */) throw new BadLine(`trade side must be b or s, got ${String.fromCharCode(sideCode)}`);
    const side = sideCode === 98 ? 'buy' : 'sell';
    if (pos > end) return { kind: 'trade', ts, localTs, side, price, qty };
    return { kind: 'trade', ts, localTs, side, price, qty, id: escaped(buf, pos, end, 'id') };
  }
  if (sideCode !== 98 && sideCode !== 97 /* a */) throw new BadLine(`level side must be b or a, got ${String.fromCharCode(sideCode)}`);
  if (pos > end) throw new BadLine('missing the snapshot flag (S or D)');
  const flag = pos === end - 1 ? buf[pos] : 0;
  if (flag !== 83 /* S */ && flag !== 68 /* D */) throw new BadLine(`the snapshot flag must be S or D, got ${JSON.stringify(text(buf, pos, end))}`);
  return { kind: 'level', ts, localTs, side: sideCode === 98 ? 'bid' : 'ask', price, qty, snapshot: flag === 83 };
}
