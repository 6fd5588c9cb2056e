// Turns (endpoint, params) into the request that goes on the wire, per family:
// - V1: security NONE sends the parameters as they are; MARKET_DATA and USER_STREAM add the
//   X-MBX-APIKEY header; signed types (TRADE, USER_DATA, TRANSFER, WITHDRAW) append recvWindow
//   and timestamp, then the HMAC of the text, last.
// - V3: no header and no timestamp; signed types append nonce, user and signer, then the
//   EIP-712 signature of the text, last. GUARDED reuses a caller-given nonce; WALLET and PUBLIC
//   carry the caller's own wallet signature and are sent untouched.
// GET parameters go in the query string; POST, PUT and DELETE send a form body.
import { EngineError } from '@mm/core';
import type { EndpointSpec, Params, SignedRequest, Signer } from '@mm/exchange';
import type { V1Credentials, V3Credentials } from '../config.ts';
import { API_KEY_HEADER, hmacSignature } from './hmac.ts';
import { parsePrivateKey, signMessage } from './eip712.ts';
import { encodeEntries, entries } from './encode.ts';
import type { MicrosecondNonce } from './nonce.ts';

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const SIGNED = new Set(['TRADE', 'USER_DATA', 'TRANSFER', 'WITHDRAW']);
const KEYED = new Set(['MARKET_DATA', 'USER_STREAM']);
const UNSIGNED_AS_IS = new Set(['NONE', 'WALLET', 'PUBLIC']);

export interface V1SignerOptions {
  readonly credentials: V1Credentials;
  /** Venue time in ms (local clock plus the measured offset). */
  readonly serverNow: () => number;
  readonly recvWindowMs?: number;
}

export interface V3SignerOptions {
  readonly credentials: V3Credentials;
  /** Shared by every client of the user (see nonceFor). */
  readonly nonce: MicrosecondNonce;
  /** Venue time in ms (local clock plus the measured offset). */
  readonly serverNow: () => number;
  /** Sub-millisecond start of a nonce, in [0, 1000); default 0. */
  readonly subMicros?: () => number;
  readonly chainId: number;
}

/** Places the text: query for GET, form body otherwise. */
export function place(spec: EndpointSpec, text: string, headers: Record<string, string>): SignedRequest {
  if (spec.method === 'GET') return text === '' ? { headers } : { query: text, headers };
  return text === '' ? { headers } : { body: text, headers: { ...headers, ...FORM } };
}

export function v1Signer(options: V1SignerOptions): Signer {
  const recvWindow = options.recvWindowMs ?? 5000;
  if (!(recvWindow > 0 && recvWindow <= 60_000)) {
    throw new EngineError('INVALID_CONFIG', `Asterdex V1 recvWindow must be in (0, 60000] ms, got ${recvWindow}`);
  }
  return (spec: EndpointSpec, params: Params): SignedRequest => {
    const list = entries(params, 'double');
    if (spec.security === 'NONE') return place(spec, encodeEntries(list), {});
    const headers = { [API_KEY_HEADER]: options.credentials.apiKey };
    if (KEYED.has(spec.security)) return place(spec, encodeEntries(list), headers);
    if (!SIGNED.has(spec.security)) throw new EngineError('NOT_SUPPORTED', `${spec.id}: security type ${spec.security} is not available with V1 credentials`);
    list.push(['recvWindow', String(recvWindow)], ['timestamp', String(Math.floor(options.serverNow()))]);
    const text = encodeEntries(list);
    // query + body, as the venue reads it; only one of them is used here
    const signature = hmacSignature(options.credentials.apiSecret, text);
    return place(spec, `${text}&signature=${signature}`, headers);
  };
}

export function v3Signer(options: V3SignerOptions): Signer {
  const key = parsePrivateKey(options.credentials.signerPrivateKey);
  const { user, signer } = options.credentials;
  return (spec: EndpointSpec, params: Params): SignedRequest => {
    if (spec.security === 'MARKET_DATA' || UNSIGNED_AS_IS.has(spec.security)) return place(spec, encodeEntries(entries(params, 'single')), {});
    let nonce: string;
    let business: Params = params;
    if (spec.security === 'GUARDED') {
      const { nonce: given, ...rest } = params;
      if (given === undefined || given === null) throw new EngineError('INVALID_ARGUMENT', `${spec.id}: needs the nonce of the original request`);
      nonce = String(given);
      business = rest;
    } else if (SIGNED.has(spec.security) || spec.security === 'USER_STREAM') {
      nonce = String(options.nonce.next(options.serverNow(), options.subMicros?.() ?? 0));
    } else {
      throw new EngineError('NOT_SUPPORTED', `${spec.id}: unknown security type ${spec.security}`);
    }
    const list = entries(business, 'single');
    list.push(['nonce', nonce], ['user', user], ['signer', signer]);
    const text = encodeEntries(list);
    const signature = signMessage(text, key, options.chainId);
    return place(spec, `${text}&signature=${signature}`, {});
  };
}

