// Authentication as the venue does it, for both families:
// - V1: X-MBX-APIKEY must name a key; signed types need timestamp (inside recvWindow of the
//   venue's clock, not more than 1 s ahead) and signature = HMAC(secret, query + body) over the
//   exact text received, signature last.
// - V3: signer + nonce + signature (user optional), an EIP-712 signature over the exact
//   parameter text before "&signature=". The raw and the percent-decoded text are both
//   accepted (catalogue Q1). The nonce must be within ±10 s and new among the last 100.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EndpointSpec } from '@mm/exchange';
import { recoverSigner } from '../src/signing/eip712.ts';
import type { MockRequest, MockResponse } from './mock-http.ts';
import { venueError } from './mock-http.ts';
import type { MockAccount, MockState } from './mock-state.ts';

export type Family = 'v1' | 'v3';

export type AuthResult = { readonly ok: true; readonly account: MockAccount | undefined } | { readonly ok: false; readonly response: MockResponse };

const SIGNED = new Set(['TRADE', 'USER_DATA', 'TRANSFER', 'WITHDRAW']);
export const V1_AUTH_PARAMS = ['timestamp', 'recvWindow', 'signature'];
export const V3_AUTH_PARAMS = ['nonce', 'user', 'signer', 'signature'];

function reject(code: number, msg: string, status: number): AuthResult {
  return { ok: false, response: venueError(code, msg, status) };
}

/** The text before the trailing signature parameter, or undefined when the signature is not last. */
function withoutSignature(text: string): string | undefined {
  const m = /(^|&)signature=[^&]*$/.exec(text);
  if (m === null) return text.includes('signature=') ? undefined : text;
  return text.slice(0, m.index);
}

export function authenticate(state: MockState, family: Family, spec: EndpointSpec, req: MockRequest, chainId: number): AuthResult {
  if (spec.security === 'NONE') return { ok: true, account: undefined };
  return family === 'v1' ? authV1(state, spec, req) : authV3(state, spec, req, chainId);
}

function authV1(state: MockState, spec: EndpointSpec, req: MockRequest): AuthResult {
  const header = req.headers['x-mbx-apikey'];
  const apiKey = Array.isArray(header) ? header[0] : header;
  if (apiKey === undefined || apiKey === '') return reject(-2014, 'API-key format invalid.', 401);
  const account = state.byApiKey(apiKey);
  if (account === undefined) return reject(-2015, 'Invalid API-key, IP, or permissions for action.', 401);
  if (!SIGNED.has(spec.security)) return { ok: true, account };
  const timestamp = Number(req.params.get('timestamp'));
  if (!req.params.has('timestamp') || !Number.isFinite(timestamp)) return reject(-1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.", 400);
  const recvWindow = req.params.has('recvWindow') ? Number(req.params.get('recvWindow')) : 5000;
  if (!(recvWindow > 0 && recvWindow <= 60_000)) return reject(-1130, "Data sent for parameter 'recvWindow' is not valid.", 400);
  const serverTime = state.now();
  if (timestamp >= serverTime + 1000) return reject(-1021, "Timestamp for this request was 1000ms ahead of the server's time.", 400);
  if (serverTime - timestamp > recvWindow) return reject(-1021, 'Timestamp for this request is outside of the recvWindow.', 400);
  const signature = req.params.get('signature');
  if (signature === undefined) return reject(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.", 400);
  const query = withoutSignature(req.rawQuery);
  const body = withoutSignature(req.rawBody);
  if (query === undefined || body === undefined) return reject(-1022, 'Signature for this request is not valid.', 401);
  const expected = createHmac('sha256', account.apiSecret).update(query + body).digest('hex');
  const given = signature.toLowerCase();
  if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
    return reject(-1022, 'Signature for this request is not valid.', 401);
  }
  return { ok: true, account };
}

function authV3(state: MockState, spec: EndpointSpec, req: MockRequest, chainId: number): AuthResult {
  // V3 market data is public (since 2026-03-17)
  if (spec.security === 'MARKET_DATA') return { ok: true, account: undefined };
  if (!SIGNED.has(spec.security) && spec.security !== 'USER_STREAM' && spec.security !== 'GUARDED') {
    return reject(-1020, 'This operation is not supported.', 400);
  }
  for (const name of ['nonce', 'signer', 'signature']) {
    if (!req.params.has(name)) return reject(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`, 400);
  }
  const signer = req.params.get('signer')!;
  const account = state.bySigner(signer);
  if (account === undefined) return reject(-2015, 'Invalid API-key, IP, or permissions for action.', 401);
  const user = req.params.get('user');
  if (user !== undefined && user.toLowerCase() !== account.user.toLowerCase()) return reject(-2015, 'The signer is not an agent of this user.', 401);
  // the parameters travel in the query (GET, or the demos' POST-in-URL) or in the body
  const raw = req.rawBody !== '' && req.rawBody.includes('signature=') ? req.rawBody : req.rawQuery;
  const msg = withoutSignature(raw);
  if (msg === undefined) return reject(-1022, 'Signature for this request is not valid.', 401);
  const candidates = [msg, decodeAll(msg)];
  const signature = req.params.get('signature')!;
  const verified = candidates.some((text) => {
    const recovered = recoverSigner(text, signature, chainId);
    return recovered !== undefined && recovered.toLowerCase() === account.signer.toLowerCase();
  });
  if (!verified) return reject(-1022, 'Signature for this request is not valid.', 401);
  // a guarded request repeats the nonce of the request it refers to
  if (spec.security !== 'GUARDED') {
    const nonceProblem = state.acceptNonce(account.user, Number(req.params.get('nonce')));
    if (nonceProblem !== undefined) return reject(-4225, nonceProblem, 400);
  }
  return { ok: true, account };
}

/** k=v&k=v with every key and value percent-decoded, order kept. */
function decodeAll(text: string): string {
  return text
    .split('&')
    .map((part) => {
      const i = part.indexOf('=');
      const k = i < 0 ? part : part.slice(0, i);
      const v = i < 0 ? '' : part.slice(i + 1);
      return `${safeDecode(k)}=${safeDecode(v)}`;
    })
    .join('&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
