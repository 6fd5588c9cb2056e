// How a side's budget is shared between its levels (relative weights, innermost first).
import { fx } from '@mm/core';
import type { Fixed, MarketMakingConfig, Rng } from '@mm/core';
import { num } from './numbers.ts';

/**
 * LINEAR 1 each; VALLEY n − i (most near the mid); CUSTOM customWeights[i] (the last one repeats
 * if the list is short, which validation normally prevents); RANDOM uniform in
 * [randomMinWeight, randomMaxWeight] from the rng, kept to 6 decimals so sizes are reproducible
 * and easy to check by hand.
 */
export function levelWeights(config: MarketMakingConfig, levels: number, rng: Rng): Fixed[] {
  const out: Fixed[] = [];
  for (let i = 0; i < levels; i++) {
    switch (config.distribution) {
      case 'LINEAR':
        out.push(fx.ONE);
        break;
      case 'VALLEY':
        out.push(fx.fromInt(levels - i));
        break;
      case 'CUSTOM': {
        const w = config.customWeights[i] ?? config.customWeights[config.customWeights.length - 1] ?? 1;
        out.push(num(w));
        break;
      }
      case 'RANDOM':
        out.push(fx.parse(rng.uniform(config.randomMinWeight, config.randomMaxWeight).toFixed(6)));
        break;
    }
  }
  return out;
}
