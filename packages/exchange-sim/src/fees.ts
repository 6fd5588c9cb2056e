// Fee schedules and the exact per-instrument constants derived from them. Their own module so
// that the ledger (which caches the constants per account and symbol) and the symbol market
// (which derives them) both depend on it instead of on each other.
import type { Fixed } from '@mm/core';

/** An account's fee rates. */
export interface FeeSchedule {
  readonly maker: Fixed;
  readonly taker: Fixed;
}

/** One fee rate on one instrument. */
export interface RateConstants {
  readonly rate: Fixed;
  /** Fee per tick·lot when exact, else undefined. */
  readonly perTickLot: Fixed | undefined;
  /** What a buyer pays per tick·lot (notional + fee) when exact. */
  readonly buyPerTickLot: Fixed | undefined;
  /** What a seller receives per tick·lot (notional − fee) when exact. */
  readonly sellPerTickLot: Fixed | undefined;
}

/** One account fee schedule on one instrument. */
export interface FeeConstants {
  readonly schedule: FeeSchedule;
  readonly maker: RateConstants;
  readonly taker: RateConstants;
  /** A spot buy reserves its notional plus the larger fee, never less than the notional. */
  readonly lockRate: Fixed;
  /** That reservation per tick·lot when exact, else undefined. */
  readonly lockPerTickLot: Fixed | undefined;
}
