// The shared venue conformance suite on the ccxt adapter (ccxt.pro aster class) against the
// Asterdex mock's spot API. Skips are capability-driven: Aster spot has no STP, no amend and no
// dead-man switch in ccxt.
import { describeVenueConformance } from '@mm/exchange/test-support';
import { ccxtConformanceHarness } from '../test-support/harness.ts';

describeVenueConformance('ccxt aster spot (mock)', ccxtConformanceHarness());
