// Where the adapter connects and with which key. Base URLs come from the account's own
// settings first, then from environment variables, then from BitMart's documented defaults
// (catalogue §1), so a deployment can point at a mirror domain or a test server without code.
import { EngineError } from '@mm/core';
import type { BitmartCredentials } from './signing.ts';

export interface BitmartUrls {
  readonly rest: string;
  readonly publicWs: string;
  readonly privateWs: string;
}

export const DEFAULT_URLS: BitmartUrls = {
  rest: 'https://api-cloud.bitmart.com',
  publicWs: 'wss://ws-manager-compress.bitmart.com/api?protocol=1.1',
  privateWs: 'wss://ws-manager-compress.bitmart.com/user?protocol=1.1',
};

export const URL_ENV = {
  rest: 'BITMART_REST_URL',
  publicWs: 'BITMART_WS_PUBLIC_URL',
  privateWs: 'BITMART_WS_PRIVATE_URL',
} as const satisfies Record<keyof BitmartUrls, string>;

/** Account setting > environment variable > default. Throws INVALID_CONFIG on a malformed URL. */
export function resolveUrls(overrides: Partial<BitmartUrls> = {}, env: Readonly<Record<string, string | undefined>> = process.env): BitmartUrls {
  const pick = (key: keyof BitmartUrls, schemes: readonly string[]): string => {
    const fromEnv = env[URL_ENV[key]];
    const value = overrides[key] ?? (fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv.trim() : DEFAULT_URLS[key]);
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new EngineError('INVALID_CONFIG', `BitMart ${key} URL "${value}" is not a valid URL (set it in the account or ${URL_ENV[key]})`);
    }
    if (!schemes.includes(parsed.protocol)) {
      throw new EngineError('INVALID_CONFIG', `BitMart ${key} URL "${value}" must use ${schemes.join(' or ')}`);
    }
    return key === 'rest' ? value.replace(/\/+$/, '') : value;
  };
  return { rest: pick('rest', ['https:', 'http:']), publicWs: pick('publicWs', ['wss:', 'ws:']), privateWs: pick('privateWs', ['wss:', 'ws:']) };
}

/** Refuses incomplete credentials with a message that says which part is missing. */
export function checkCredentials(credentials: BitmartCredentials): BitmartCredentials {
  const missing = (['apiKey', 'apiSecret', 'memo'] as const).filter((k) => typeof credentials[k] !== 'string' || credentials[k].trim() === '');
  if (missing.length > 0) {
    throw new EngineError(
      'INVALID_CONFIG',
      `BitMart credentials are incomplete: ${missing.join(', ')} missing. A BitMart key has three parts: the access key, the secret and the memo chosen when the key was created`,
    );
  }
  return credentials;
}
