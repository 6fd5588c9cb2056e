// @mm/exchange-ccxt: a spot venue adapter on ccxt for exchanges without a native connector.
// Importing this module does not load ccxt; the first CcxtSpotAdapter.connect() does.
export { CcxtSpotAdapter } from './adapter.ts';
export type { CcxtSpotAdapterOptions } from './adapter.ts';
export type { CcxtCredentials, CcxtUrls } from './exchange-config.ts';
export { isCcxtLoaded } from './ccxt-loader.ts';
export { profileFor, PROFILED_VENUES } from './profiles.ts';
export type { VenueProfile } from './profiles.ts';
export { FeeGuard } from './fee-guard.ts';
export { instrumentDefFromMarket, stepFromDecimalPlaces } from './precision.ts';
