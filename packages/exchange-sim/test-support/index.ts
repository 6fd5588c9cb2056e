export { simCounterparty } from './counterparty.ts';
export { CONFORMANCE_PERP, CONFORMANCE_SPOT, simConformanceHarness } from './harness.ts';
