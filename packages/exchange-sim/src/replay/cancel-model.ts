// Where the cancels at a price level come from. A recorded level that shrinks without a trade
// lost orders somewhere in its queue; our order only moves up if some of them were ahead of it.
// The recording cannot say where they were, so a model decides:
// - proportional (default): the share ahead of us, ahead ÷ level;
// - risk-averse: none (only trades move us up), the conservative bound;
// - power(n): ahead^n ÷ (ahead^n + behind^n); n = 1 is proportional, larger n puts the cancels
//   mostly on the longer part of the queue, a smaller one spreads them more evenly.
import { EngineError } from '@mm/core';

export interface CancelModel {
  readonly name: string;
  /**
   * The queue ahead of our order after `canceled` units left a level on which `ahead` units
   * were in front of it and `behind` after it. The caller keeps the result within the level.
   */
  afterCancel(ahead: number, behind: number, canceled: number): number;
}

export const PROPORTIONAL: CancelModel = {
  name: 'proportional',
  afterCancel(ahead, behind, canceled) {
    const level = ahead + behind;
    return level > 0 ? ahead - (canceled * ahead) / level : 0;
  },
};

export const RISK_AVERSE: CancelModel = {
  name: 'risk-averse',
  afterCancel(ahead) {
    return ahead;
  },
};

export function powerCancelModel(exponent: number): CancelModel {
  if (!(exponent > 0) || !Number.isFinite(exponent)) throw new EngineError('INVALID_ARGUMENT', `the power queue model needs a positive exponent, got ${exponent}`);
  return {
    name: `power(${exponent})`,
    afterCancel(ahead, behind, canceled) {
      const front = ahead ** exponent;
      const back = behind ** exponent;
      const share = front + back > 0 ? front / (front + back) : 0;
      // what the back of the queue cannot have lost came from the front
      const fromBehind = canceled * (1 - share);
      const overflow = fromBehind > behind ? fromBehind - behind : 0;
      return ahead - canceled * share - overflow;
    },
  };
}

/** How a queue model is named in options. */
export type QueueModelSpec = 'proportional' | 'risk-averse' | { readonly kind: 'power'; readonly exponent: number } | CancelModel;

export function cancelModelOf(spec: QueueModelSpec | undefined): CancelModel {
  if (spec === undefined || spec === 'proportional') return PROPORTIONAL;
  if (spec === 'risk-averse') return RISK_AVERSE;
  if ('kind' in spec) return powerCancelModel(spec.exponent);
  return spec;
}
