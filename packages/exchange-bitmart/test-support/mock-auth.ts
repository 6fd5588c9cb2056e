// How the mock checks credentials, exactly as the catalogue describes the venue (§2.2–§2.5,
// §9): KEYED calls need only a known X-BM-KEY; SIGNED calls need key, timestamp and
// hex(HMAC_SHA256(secret, ts#memo#rawBody)); v4 paths apply recvWindow, others ±60 s.
import { sign, signaturesEqual, WS_LOGIN_PAYLOAD } from '../src/signing.ts';

export interface MockApiKey {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly memo: string;
  /** The simulated-exchange account the key trades for. */
  readonly account: string;
}

export interface AuthFailure {
  readonly code: number;
  readonly message: string;
  readonly http: number;
}

export type AuthResult = { readonly ok: true; readonly key: MockApiKey } | { readonly ok: false; readonly failure: AuthFailure };

const fail = (code: number, message: string, http = 401): AuthResult => ({ ok: false, failure: { code, message, http } });

export function checkKeyed(keys: ReadonlyMap<string, MockApiKey>, headers: Readonly<Record<string, string | undefined>>): AuthResult {
  const apiKey = headers['x-bm-key'];
  if (apiKey === undefined || apiKey === '') return fail(30001, 'Header X-BM-KEY is empty');
  const key = keys.get(apiKey);
  if (key === undefined) return fail(30002, 'Header X-BM-KEY not found');
  return { ok: true, key };
}

export function checkSigned(
  keys: ReadonlyMap<string, MockApiKey>,
  headers: Readonly<Record<string, string | undefined>>,
  path: string,
  rawBody: string,
  now: number,
): AuthResult {
  const keyed = checkKeyed(keys, headers);
  if (!keyed.ok) return keyed;
  const signature = headers['x-bm-sign'];
  if (signature === undefined || signature === '') return fail(30004, 'Header X-BM-SIGN is empty');
  const timestamp = headers['x-bm-timestamp'];
  if (timestamp === undefined || timestamp === '') return fail(30006, 'Header X-BM-TIMESTAMP is empty');
  if (!/^\d{1,16}$/.test(timestamp)) return fail(30008, 'Header X-BM-TIMESTAMP invalid format');
  const ts = Number(timestamp);
  if (path.startsWith('/spot/v4/')) {
    const window = recvWindowOf(rawBody);
    if (window === 'invalid') return fail(30007, 'Param recvWindow must be less than 60000 and greater than 0');
    if (!(ts < now + 1000 && now - ts <= window)) return fail(30007, 'Timestamp for this request is outside of the recvWindow');
  } else if (Math.abs(now - ts) > 60_000) {
    return fail(30007, 'Header X-BM-TIMESTAMP range. Within a minute');
  }
  const expected = sign(keyed.key.apiSecret, timestamp, keyed.key.memo, rawBody);
  if (!signaturesEqual(expected, signature)) return fail(30005, 'Header X-BM-SIGN is wrong');
  return keyed;
}

function recvWindowOf(rawBody: string): number | 'invalid' {
  let window: unknown;
  try {
    window = (JSON.parse(rawBody) as { recvWindow?: unknown }).recvWindow;
  } catch {
    return 5000;
  }
  if (window === undefined) return 5000;
  if (typeof window !== 'number' || !Number.isInteger(window) || window <= 0 || window > 60_000) return 'invalid';
  return window;
}

export interface WsLoginFailure {
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** Checks `{"op":"login","args":[key, timestamp, sign]}`; the timestamp may be a string or a number. */
export function checkWsLogin(keys: ReadonlyMap<string, MockApiKey>, args: unknown, now: number): { ok: true; key: MockApiKey } | { ok: false; failure: WsLoginFailure } {
  const list = Array.isArray(args) ? (args as unknown[]) : [];
  const [apiKey, timestamp, signature] = list;
  const bad = (errorCode: string, errorMessage: string): { ok: false; failure: WsLoginFailure } => ({ ok: false, failure: { errorCode, errorMessage } });
  if (typeof apiKey !== 'string' || apiKey === '') return bad('91001', 'API KEY is empty');
  const key = keys.get(apiKey);
  if (key === undefined) return bad('91002', 'API KEY not found');
  if (timestamp === undefined || timestamp === '') return bad('91021', 'Param timestamp is empty');
  const ts = typeof timestamp === 'number' ? String(timestamp) : typeof timestamp === 'string' ? timestamp : '';
  if (!/^\d{1,16}$/.test(ts)) return bad('91023', 'Param timestamp invalid format');
  if (Math.abs(now - Number(ts)) > 60_000) return bad('91022', 'Param timestamp range. Within a minute');
  if (typeof signature !== 'string' || signature === '') return bad('91010', 'Param sign is empty');
  if (!signaturesEqual(sign(key.apiSecret, ts, key.memo, WS_LOGIN_PAYLOAD), signature)) return bad('91011', 'Param sign is wrong');
  return { ok: true, key };
}
