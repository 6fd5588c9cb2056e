export { AsterMockServer } from './mock-server.ts';
export type { AsterMockOptions, MockAccountSpec, RequestLogEntry } from './mock-server.ts';
export type { MockMarket, MockLimits } from './mock-state.ts';
export { asterConformanceHarness, startMockWithAdapters, credentialsFor, MOCK_ACCOUNT, MOCK_V3_KEY, ASTER_PERP, ASTER_SPOT, TEST_STREAMS } from './harness.ts';
export type { MockWithAdapters } from './harness.ts';
