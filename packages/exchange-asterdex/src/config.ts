// Where an Asterdex account talks to and with which credentials. Base URLs can be set per
// account (options) or by environment variables, per market and family, so tests point at the
// mock and staging at the testnet. In test mode (NODE_ENV=test) nothing falls back to a real
// host: every URL must be given explicitly and be a loopback address.
import { EngineError } from '@mm/core';
import { MAINNET_CHAIN_ID, TESTNET_CHAIN_ID, addressOf, parsePrivateKey, sameAddress } from './signing/eip712.ts';

export const ASTER_MARKETS = ['futures', 'spot'] as const;
export const ASTER_FAMILIES = ['v3', 'v1'] as const;
export type AsterMarket = (typeof ASTER_MARKETS)[number];
export type AsterFamily = (typeof ASTER_FAMILIES)[number];
export type AsterNetwork = 'mainnet' | 'testnet';

/** V1 ("legacy") HMAC credentials. */
export interface V1Credentials {
  readonly apiKey: string;
  readonly apiSecret: string;
}

/** V3 API-wallet credentials: the main wallet address, the agent (signer) address and its key. */
export interface V3Credentials {
  readonly user: string;
  readonly signer: string;
  readonly signerPrivateKey: string;
}

export type AsterCredentials = V1Credentials | V3Credentials;

export interface AsterUrls {
  readonly rest?: string;
  readonly ws?: string;
}

export interface AsterConnectionOptions {
  readonly market: AsterMarket;
  readonly family: AsterFamily;
  readonly network?: AsterNetwork;
  readonly urls?: AsterUrls;
  /** EIP-712 chain id; default 1666 on mainnet, 714 on testnet. */
  readonly chainId?: number;
  /** Defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface ResolvedConnection {
  readonly market: AsterMarket;
  readonly family: AsterFamily;
  readonly restUrl: string;
  readonly wsUrl: string;
  readonly chainId: number;
}

const DEFAULTS: Record<AsterNetwork, Record<AsterMarket, { rest: string; ws: string }>> = {
  mainnet: {
    futures: { rest: 'https://fapi.asterdex.com', ws: 'wss://fstream.asterdex.com' },
    spot: { rest: 'https://sapi.asterdex.com', ws: 'wss://sstream.asterdex.com' },
  },
  testnet: {
    futures: { rest: 'https://fapi.asterdex-testnet.com', ws: 'wss://fstream.asterdex-testnet.com' },
    spot: { rest: 'https://sapi.asterdex-testnet.com', ws: 'wss://sstream.asterdex-testnet.com' },
  },
};

/**
 * Environment variables, most specific first:
 * ASTERDEX_<MARKET>_<FAMILY>_<REST|WS>_URL, then ASTERDEX_<MARKET>_<REST|WS>_URL,
 * e.g. ASTERDEX_FUTURES_V3_REST_URL, ASTERDEX_SPOT_WS_URL. ASTERDEX_NETWORK picks the defaults.
 * Every one of them is listed in .env.example (apps/server/src/env-example.test.ts checks it).
 */
export function envVarNames(market: AsterMarket, family: AsterFamily, kind: 'REST' | 'WS'): string[] {
  const m = market.toUpperCase();
  return [`ASTERDEX_${m}_${family.toUpperCase()}_${kind}_URL`, `ASTERDEX_${m}_${kind}_URL`];
}

/** Every environment variable the connection settings can read (NODE_ENV aside), for docs and tests. */
export function allEnvVarNames(): string[] {
  const names = new Set<string>(['ASTERDEX_NETWORK']);
  for (const market of ASTER_MARKETS) {
    for (const kind of ['REST', 'WS'] as const) {
      for (const family of ASTER_FAMILIES) for (const name of envVarNames(market, family, kind)) names.add(name);
    }
  }
  return [...names].sort();
}

export function resolveConnection(options: AsterConnectionOptions): ResolvedConnection {
  const env = options.env ?? process.env;
  const testMode = env['NODE_ENV'] === 'test';
  const fromEnv = (kind: 'REST' | 'WS'): string | undefined => {
    for (const name of envVarNames(options.market, options.family, kind)) {
      const value = env[name];
      if (value !== undefined && value.trim() !== '') return value.trim();
    }
    return undefined;
  };
  const envNetwork = env['ASTERDEX_NETWORK'];
  const network: AsterNetwork = options.network ?? (envNetwork === 'testnet' ? 'testnet' : 'mainnet');
  const explicitRest = options.urls?.rest ?? fromEnv('REST');
  const explicitWs = options.urls?.ws ?? fromEnv('WS');
  if (testMode && (explicitRest === undefined || explicitWs === undefined)) {
    const names = [...envVarNames(options.market, options.family, 'REST'), ...envVarNames(options.market, options.family, 'WS')].join(', ');
    throw new EngineError(
      'INVALID_CONFIG',
      `Asterdex ${options.market} ${options.family}: in test mode (NODE_ENV=test) the REST and WebSocket base URLs must be given explicitly (options.urls or ${names}); real hosts are never used by default`,
    );
  }
  const restUrl = checkUrl(explicitRest ?? DEFAULTS[network][options.market].rest, ['http:', 'https:'], 'REST');
  const wsUrl = checkUrl(explicitWs ?? DEFAULTS[network][options.market].ws, ['ws:', 'wss:'], 'WebSocket');
  if (testMode) {
    for (const url of [restUrl, wsUrl]) {
      if (!isLoopback(url)) {
        throw new EngineError('INVALID_CONFIG', `Asterdex: in test mode only loopback hosts are allowed, got ${url}`);
      }
    }
  }
  const chainId = options.chainId ?? (network === 'testnet' ? TESTNET_CHAIN_ID : MAINNET_CHAIN_ID);
  return { market: options.market, family: options.family, restUrl, wsUrl, chainId };
}

function checkUrl(url: string, protocols: readonly string[], what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EngineError('INVALID_CONFIG', `Asterdex ${what} base URL "${url}" is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new EngineError('INVALID_CONFIG', `Asterdex ${what} base URL "${url}" must use ${protocols.join(' or ')}`);
  }
  return url.replace(/\/+$/, '');
}

export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function isV1Credentials(credentials: AsterCredentials): credentials is V1Credentials {
  return 'apiKey' in credentials;
}

/** Checks that the credentials fit the family and are well-formed; throws INVALID_CONFIG. */
export function checkCredentials(family: AsterFamily, credentials: AsterCredentials): void {
  if (family === 'v1') {
    if (!isV1Credentials(credentials) || credentials.apiKey.trim() === '' || credentials.apiSecret.trim() === '') {
      throw new EngineError('INVALID_CONFIG', 'Asterdex V1 needs credentials {apiKey, apiSecret}');
    }
    return;
  }
  if (isV1Credentials(credentials)) throw new EngineError('INVALID_CONFIG', 'Asterdex V3 needs credentials {user, signer, signerPrivateKey}, not an API key');
  const address = /^0x[0-9a-fA-F]{40}$/;
  if (!address.test(credentials.user)) throw new EngineError('INVALID_CONFIG', 'Asterdex V3 "user" must be the main wallet address (0x + 40 hex digits)');
  if (!address.test(credentials.signer)) throw new EngineError('INVALID_CONFIG', 'Asterdex V3 "signer" must be the API wallet address (0x + 40 hex digits)');
  const derived = addressOf(parsePrivateKey(credentials.signerPrivateKey));
  if (!sameAddress(derived, credentials.signer)) {
    throw new EngineError('INVALID_CONFIG', `Asterdex V3: the signer private key belongs to ${derived}, not to the configured signer ${credentials.signer}`);
  }
}
