export { MockFront, asterApiUrls } from './mock-front.ts';
export type { RecordedRequest, StreamKind } from './mock-front.ts';
export { ccxtConformanceHarness, startCcxtMock, testWalletAddress, TEST_WALLET_KEY, TEST_SYMBOL, TEST_ADAPTER_SETTINGS, FUNDS } from './harness.ts';
export type { CcxtMockSetup } from './harness.ts';
