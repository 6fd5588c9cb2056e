// The demo paper bot a fresh install starts with. The benchmarks build their fleets from the same
// grid, scaled to share one paper account, so they measure the bot an operator first sees.
export const DEMO_BOT_INPUT = {
  name: 'Demo DEMOUSDT',
  accountId: 'paper',
  symbol: 'DEMOUSDT',
  mode: 'paper',
  marketMaking: {
    bidLevels: 4,
    askLevels: 4,
    bidSpread: { minPct: 0.15, maxPct: 1.2 },
    askSpread: { minPct: 0.15, maxPct: 1.2 },
    bidBudgetQuote: '2000',
    askBudgetBase: '4000',
    distribution: 'VALLEY',
    inventorySkew: { enabled: true, targetBasePct: 50, rangePct: 20, sizeFactor: 0.8, priceSkewPct: 0.1 },
    refresh: { intervalMs: 3_000, tolerancePct: 0.1 },
  },
  volume: { enabled: true, dailyTargetQuote: '40000', minTradeQuote: '20', maxTradeQuote: '60', mode: 'MIXED', makerTimeoutMs: 15_000 },
} as const;

/** The demo bot's config with other budgets and volume (the benchmarks' fleets). */
export function demoBotScaled(
  changes: { readonly name: string; readonly accountId: string; readonly symbol: string },
  budgets: { readonly bidBudgetQuote: string; readonly askBudgetBase: string },
  volume: { readonly dailyTargetQuote: string; readonly minTradeQuote?: string; readonly maxTradeQuote?: string },
): Record<string, unknown> {
  return { ...DEMO_BOT_INPUT, ...changes, marketMaking: { ...DEMO_BOT_INPUT.marketMaking, ...budgets }, volume: { ...DEMO_BOT_INPUT.volume, ...volume } };
}
