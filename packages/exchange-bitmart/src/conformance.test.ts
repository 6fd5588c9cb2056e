// The shared venue conformance suite, run against the BitMart adapter and the mock server, once
// for each way BitMart may answer a crossing post-only order (catalogue §4): accepted then
// cancelled by the venue (the documented behaviour), and refused at once with 50034/50035.
import { describeVenueConformance } from '@mm/exchange/test-support';
import { bitmartHarnessFactory } from '../test-support/harness.ts';

describeVenueConformance('bitmart spot (mock server, post-only accepted then cancelled)', bitmartHarnessFactory({ postOnlyCross: 'accept-then-cancel' }));
describeVenueConformance('bitmart spot (mock server, post-only refused)', bitmartHarnessFactory({ postOnlyCross: 'reject' }));
