// A bot's base and quote asset from whatever knows them: its loaded market, its summary, or its
// ledger (a stopped bot after a restart has not loaded its market, but its ledger names both).
import type { BotDetailDto, BotSummaryDto } from '@mm/core';

export function assetsOf(bot: BotSummaryDto & { readonly instrument?: BotDetailDto['instrument'] }): { readonly base: string; readonly quote: string } {
  const ledger = bot.stats?.ledger;
  return {
    base: bot.instrument?.base || bot.baseAsset || ledger?.baseAsset || '',
    quote: bot.instrument?.quote || bot.quoteAsset || ledger?.quoteAsset || '',
  };
}
