import { describeVenueConformance } from '@mm/exchange/test-support';
import { simConformanceHarness } from '../test-support/harness.ts';

describeVenueConformance('simulated exchange, spot', simConformanceHarness('spot'));
describeVenueConformance('simulated exchange, perp', simConformanceHarness('perp'));
