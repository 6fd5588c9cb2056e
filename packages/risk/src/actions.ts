import type { RiskAction, RiskConfig, RiskRule } from '@mm/core';

/** What each rule does when it trips, unless the config's `risk.actions` says otherwise. */
export const DEFAULT_ACTIONS: Readonly<Record<RiskRule, RiskAction>> = {
  // pre-trade checks refuse the one order
  max_open_orders: 'deny',
  max_open_orders_account: 'deny',
  max_order_notional: 'deny',
  price_deviation: 'deny',
  min_quote_balance: 'deny',
  insufficient_balance: 'deny',
  order_rate: 'deny',
  self_cross: 'deny',
  reduce_only: 'deny',
  halted: 'deny',
  // monitors
  daily_loss: 'halt',
  drawdown: 'halt',
  api_errors: 'pause',
  rejects: 'pause',
  stale_data: 'cancel_all',
  reference_deviation: 'pause',
  position_limit: 'reduce',
  margin_ratio: 'reduce',
  liquidation_distance: 'reduce',
  adl_quantile: 'reduce',
  margin_call: 'reduce',
  kill_switch: 'halt',
  // not configurable in effect: without the order journal nothing may be sent; clears by itself
  storage_unavailable: 'halt',
};

export function actionFor(config: RiskConfig, rule: RiskRule): RiskAction {
  return (config.actions[rule] as RiskAction | undefined) ?? DEFAULT_ACTIONS[rule];
}
