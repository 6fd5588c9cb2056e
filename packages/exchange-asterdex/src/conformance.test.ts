// The shared venue conformance suite against the Asterdex adapters and the mock: perps on both
// families (V3 API wallet and V1 HMAC), spot on V1 (the V3 spot signing path is covered by the
// stream and mock tests).
import { describeVenueConformance } from '@mm/exchange/test-support';
import { asterConformanceHarness } from '../test-support/harness.ts';

describeVenueConformance('asterdex perp (V3)', asterConformanceHarness('perp', 'v3'));
describeVenueConformance('asterdex perp (V1)', asterConformanceHarness('perp', 'v1'));
describeVenueConformance('asterdex spot (V1)', asterConformanceHarness('spot', 'v1'));
