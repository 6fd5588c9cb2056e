import type { RiskAction, RiskRule } from '@mm/core';

/**
 * ACTIVE: trading normally. REDUCING: only orders that reduce exposure. HALTED: no new orders
 * (cancels still go out) until an operator resets it; survives restarts.
 */
export type TradingState = 'ACTIVE' | 'REDUCING' | 'HALTED';

/** Why a command was refused. A denial is an event for the strategy, never an exception. */
export interface RiskDenial {
  readonly rule: RiskRule;
  /** The measured value, human-readable (decimal string with unit where useful). */
  readonly value: string;
  readonly limit: string;
  readonly message: string;
}

export type RiskVerdict = { readonly allow: true } | { readonly allow: false; readonly denial: RiskDenial };

export type { RiskTrip } from '@mm/core';

export type RuleStatusState = 'ok' | 'tripped' | 'off';

/** One line of the dashboard's risk panel. */
export interface RuleStatus {
  readonly rule: RiskRule;
  readonly label: string;
  readonly value: string;
  readonly limit: string;
  readonly state: RuleStatusState;
  readonly action: RiskAction;
}
