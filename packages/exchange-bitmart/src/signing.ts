// BitMart request and login signatures (catalogue §2.3–§2.5). One HMAC-SHA256 over
// `timestamp#memo#payload`, lowercase hex. REST signs the exact body bytes sent; the WebSocket
// login signs the fixed payload "bitmart.WebSocket".
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface BitmartCredentials {
  /** The "Access Key": goes in X-BM-KEY and the WS login. */
  readonly apiKey: string;
  /** The "Secret Key": the HMAC key. Never sent. */
  readonly apiSecret: string;
  /** The memo chosen when the key was created (not the account UID). Part of every signature. */
  readonly memo: string;
}

export const WS_LOGIN_PAYLOAD = 'bitmart.WebSocket';

/** hex(HMAC_SHA256(secret, `${timestamp}#${memo}#${payload}`)). */
export function sign(secret: string, timestamp: string, memo: string, payload: string): string {
  return createHmac('sha256', secret).update(`${timestamp}#${memo}#${payload}`).digest('hex');
}

export interface SignedHeaders {
  readonly 'X-BM-KEY': string;
  readonly 'X-BM-TIMESTAMP': string;
  readonly 'X-BM-SIGN': string;
}

/** Headers of a SIGNED call. `body` must be the exact string that goes on the wire. */
export function signedHeaders(credentials: BitmartCredentials, timestampMs: number, body: string): SignedHeaders {
  const timestamp = String(timestampMs);
  return {
    'X-BM-KEY': credentials.apiKey,
    'X-BM-TIMESTAMP': timestamp,
    'X-BM-SIGN': sign(credentials.apiSecret, timestamp, credentials.memo, body),
  };
}

/** The `args` of `{"op":"login"}`: key, timestamp (string), signature. */
export function wsLoginArgs(credentials: BitmartCredentials, timestampMs: number): [string, string, string] {
  const timestamp = String(timestampMs);
  return [credentials.apiKey, timestamp, sign(credentials.apiSecret, timestamp, credentials.memo, WS_LOGIN_PAYLOAD)];
}

/** Constant-time comparison of two hex signatures (the mock server verifies with it). */
export function signaturesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
