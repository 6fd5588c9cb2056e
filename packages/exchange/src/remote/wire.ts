// The remote venue wire format: the venue port (VenueAdapter) carried over one WebSocket.
//
// Every frame is one JSON text message. Values inside frames go through `toWire` / `fromWire`,
// which keep what plain JSON loses:
//   bigint (Fixed amounts)   → {"$n":"-123"}
//   EngineError              → {"$e":{"code":"ORDER_NOT_FOUND","message":"…","retryable":false,"details":{…},"venueCode":…}}
//   Instrument               → {"$i":{…InstrumentDef}}   (rebuilt with `new Instrument(def)`)
//   any other Error          → an EngineError INTERNAL with its message
//   undefined object fields  → left out; undefined array items → null (as JSON.stringify does)
// A plain object key that starts with "$" is sent with one more "$" ("$n" → "$$n"), so data can
// never be mistaken for a tag.
//
// Frames, client → server:
//   {"type":"hello","protocol":1,"token"?:string,"accountId":string,"market":"spot"|"perp","accountKey"?:string,"client":string}
//   {"type":"call","id":number,"method":string,"args":[…]}            (any VenueAdapter method but instrument(),
//                                                                     connect() and close(): the client opens and
//                                                                     closes its socket itself)
// Frames, server → client:
//   {"type":"welcome","accountKey":string,"capabilities":{…},"instruments":[InstrumentDef…],"serverTime":number}
//   {"type":"refused","error":$e}                                     then the socket closes (4001 auth, 4003 otherwise)
//   {"type":"result","id":number,"ok":true,"value":…} | {"type":"result","id":number,"ok":false,"error":$e}
//   {"type":"event","event":keyof VenueEvents,"payload":…}            every event of the served adapter
//                                                                     (book/trade/markPrice only for subscribed symbols;
//                                                                     the client drops connection 'connected' and reports
//                                                                     its own socket's connected/disconnected/reconnected)
// The client sends the hello first; calls before the welcome are refused. One connection is one
// client of one adapter; many connections may share an adapter (bots sharing an account).
import { EngineError, ERROR_CODES, Instrument } from '@mm/core';
import type { ErrorCode, InstrumentDef } from '@mm/core';
import type { MarketKind, VenueCapabilities, VenueEvents } from '../port.ts';

export const REMOTE_VENUE_PROTOCOL = 1;
export const DEFAULT_VENUE_PATH = '/venue';

/** WebSocket close codes of the remote venue server. */
export const CLOSE_AUTH_FAILED = 4001;
export const CLOSE_BAD_HELLO = 4002;
export const CLOSE_REFUSED = 4003;
export const CLOSE_TOO_SLOW = 4004;

export interface HelloFrame {
  readonly type: 'hello';
  readonly protocol: number;
  readonly token?: string;
  readonly accountId: string;
  readonly market: MarketKind;
  readonly accountKey?: string;
  /** Who is connecting (a runner id), for the server's logs and order attribution. */
  readonly client: string;
}

export interface WelcomeFrame {
  readonly type: 'welcome';
  readonly accountKey: string;
  readonly capabilities: VenueCapabilities;
  readonly instruments: readonly InstrumentDef[];
  readonly serverTime: number;
}

export interface RefusedFrame {
  readonly type: 'refused';
  readonly error: unknown;
}

export interface CallFrame {
  readonly type: 'call';
  readonly id: number;
  readonly method: string;
  readonly args: readonly unknown[];
}

export type ResultFrame =
  | { readonly type: 'result'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'result'; readonly id: number; readonly ok: false; readonly error: unknown };

export interface EventFrame {
  readonly type: 'event';
  readonly event: keyof VenueEvents;
  readonly payload: unknown;
}

export type ClientFrame = HelloFrame | CallFrame;
export type ServerFrame = WelcomeFrame | RefusedFrame | ResultFrame | EventFrame;

/** Converts a value into plain JSON data, tagging bigints, errors and instruments. */
export function toWire(value: unknown): unknown {
  switch (typeof value) {
    case 'bigint':
      return { $n: value.toString() };
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : toWire(item)));
      if (value instanceof Instrument) return { $i: value.toJSON() };
      if (value instanceof EngineError) return { $e: toWire(errorBody(value)) };
      if (value instanceof Error) return { $e: { code: 'INTERNAL', message: value.message, retryable: false } };
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        if (item === undefined || typeof item === 'function') continue;
        out[key.startsWith('$') ? `$${key}` : key] = toWire(item);
      }
      return out;
    }
    case 'function':
    case 'symbol':
    case 'undefined':
      return undefined;
    default:
      return value;
  }
}

/** The inverse of toWire. */
export function fromWire(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(fromWire);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1) {
    const key = keys[0]!;
    const tagged = record[key];
    if (key === '$n' && typeof tagged === 'string') return BigInt(tagged);
    if (key === '$e') return errorFromWire(tagged);
    if (key === '$i') return new Instrument(tagged as InstrumentDef);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key.startsWith('$$') ? key.slice(1) : key] = fromWire(record[key]);
  return out;
}

export function encodeFrame(frame: ClientFrame | ServerFrame): string {
  return JSON.stringify(toWire(frame));
}

/** Parses a frame; throws INVALID_ARGUMENT on text that is not a JSON object with a type. */
export function decodeFrame(text: string): ClientFrame | ServerFrame {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new EngineError('INVALID_ARGUMENT', `remote venue: a frame is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || typeof (parsed as { type?: unknown }).type !== 'string') {
    throw new EngineError('INVALID_ARGUMENT', 'remote venue: a frame must be a JSON object with a "type"');
  }
  return fromWire(parsed) as ClientFrame | ServerFrame;
}

function errorBody(error: EngineError): Record<string, unknown> {
  return {
    code: error.code,
    message: error.message,
    retryable: error.retryable,
    ...(error.details === undefined ? {} : { details: error.details }),
    ...(error.venueCode === undefined ? {} : { venueCode: error.venueCode }),
  };
}

function errorFromWire(body: unknown): EngineError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const code: ErrorCode = typeof b.code === 'string' && b.code in ERROR_CODES ? (b.code as ErrorCode) : 'VENUE_ERROR';
  const message = typeof b.message === 'string' ? b.message : 'the remote venue sent an error without a message';
  const details = typeof b.details === 'object' && b.details !== null ? (fromWire(b.details) as Record<string, unknown>) : undefined;
  const venueCode = typeof b.venueCode === 'string' || typeof b.venueCode === 'number' ? b.venueCode : undefined;
  return new EngineError(code, message, {
    ...(typeof b.retryable === 'boolean' ? { retryable: b.retryable } : {}),
    ...(details === undefined ? {} : { details }),
    ...(venueCode === undefined ? {} : { venueCode }),
  });
}
