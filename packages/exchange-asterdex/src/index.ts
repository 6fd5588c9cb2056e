// Asterdex connector: futures (V1 HMAC and V3 EIP-712) and spot, every documented endpoint as
// data, signing, rate limits, streams and the two VenueAdapters.
export { AsterPerpAdapter } from './adapter-perp.ts';
export type { AsterPerpOptions } from './adapter-perp.ts';
export type { LeverageBracket, PositionRisk } from './perp-account.ts';
export { AsterApi } from './api.ts';
export type { NewOrderParams, OrderRefParams, UserTradesQuery, VenueStpMode } from './api.ts';
export { AsterSpotAdapter } from './adapter-spot.ts';
export { AsterAdapterBase } from './adapter-base.ts';
export type { AsterAdapterOptions, AsterStreamOptions } from './adapter-base.ts';
export { AsterRestClient, endpointTable } from './client.ts';
export type { AsterClientOptions } from './client.ts';
export { resolveConnection, envVarNames, isLoopback, checkCredentials } from './config.ts';
export type { AsterCredentials, AsterFamily, AsterMarket, AsterNetwork, AsterUrls, V1Credentials, V3Credentials, ResolvedConnection } from './config.ts';
export { venueError, httpFailure, UNKNOWN_EXECUTION_CODES } from './errors.ts';
export { FUTURES_V1_ENDPOINTS, FUTURES_V3_ENDPOINTS, SPOT_V1_ENDPOINTS, SPOT_V3_ENDPOINTS } from './endpoints/index.ts';
export { hmacSignature, API_KEY_HEADER } from './signing/hmac.ts';
export { signMessage, recoverSigner, addressOf, parsePrivateKey, messageDigest, MAINNET_CHAIN_ID, TESTNET_CHAIN_ID } from './signing/eip712.ts';
export { MicrosecondNonce } from './signing/nonce.ts';
export { encodeValue, encodeEntries, entries as paramEntries } from './signing/encode.ts';
export { poolName, poolsFrom, DEFAULT_LIMITS, observeRateHeaders } from './rate-limits.ts';
export type { VenueRateLimit } from './rate-limits.ts';
export { MarketStream } from './market-stream.ts';
export type { BookTicker } from './market-stream.ts';
export { UserStream } from './user-stream.ts';
export { toInstrumentDef, toVenueOrder, toFill } from './convert.ts';
export type * from './wire.ts';
