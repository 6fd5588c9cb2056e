// The account's baseline: what it holds (balances, perp positions) when its first bot starts.
// Everything stored from then on must explain the account's change since (the server's ledger
// check). Taken by whichever runner starts the bot, embedded or external.
import { fx } from '@mm/core';
import type { VenueAdapter } from '@mm/exchange';
import type { AccountHoldingsJson, Storage } from '@mm/storage';

/** An account's holdings now, and its instruments' base asset and kind (by symbol). */
export interface AccountHoldings extends AccountHoldingsJson {
  readonly instruments: ReadonlyMap<string, { readonly base: string; readonly kind: string }>;
}

/** The account's own adapter, the one its holdings are read from (see VenueRegistry.forAccount). */
export interface AccountVenues {
  forAccount(accountId: string): Promise<VenueAdapter>;
}

/** What the account holds now, read from its adapter. */
export async function accountHoldings(adapter: VenueAdapter): Promise<AccountHoldings> {
  await adapter.connect();
  const balances: Record<string, string> = {};
  for (const b of await adapter.balances()) balances[b.asset] = fx.format(b.total);
  const positions: Record<string, { qty: string; entryPrice: string }> = {};
  const instruments = new Map<string, { base: string; kind: string }>();
  for (const inst of await adapter.instruments()) instruments.set(inst.symbol, { base: inst.base, kind: inst.kind });
  if (adapter.capabilities.market === 'perp') {
    for (const p of await adapter.positions()) {
      if (p.qtyLots === 0) continue;
      const inst = adapter.instrument(p.symbol);
      const qty = (inst.lotsToFixed(Math.abs(p.qtyLots)) * inst.multiplier) / fx.SCALE;
      positions[p.symbol] = { qty: fx.format(p.qtyLots < 0 ? -qty : qty), entryPrice: fx.format(p.entryPrice) };
    }
  }
  return { balances, positions, instruments };
}

/** Takes the account's baseline before its first bot trades (no-op when it has one). */
export async function ensureAccountBaseline(storage: Storage, venues: AccountVenues, accountId: string): Promise<void> {
  if ((await storage.ledger.baseline(accountId)) !== undefined) return;
  const { balances, positions } = await accountHoldings(await venues.forAccount(accountId));
  await storage.ledger.ensureBaseline(accountId, { balances, positions }, Date.now());
}
