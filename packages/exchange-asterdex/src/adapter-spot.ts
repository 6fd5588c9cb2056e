// The Asterdex spot adapter (/api/v1 HMAC or /api/v3 API wallet). Spot has no batch order,
// amend, self-trade prevention or dead-man switch endpoints, so orders go one by one and the
// capabilities say so; the engine runs its own watchdog where the venue has none.
import { EngineError, fx } from '@mm/core';
import type { AmendResult, VenueCapabilities } from '@mm/exchange';
import type { Balance, MarginSummary, Position } from '@mm/core';
import { AsterAdapterBase } from './adapter-base.ts';
import type { AsterAdapterOptions } from './adapter-base.ts';

export class AsterSpotAdapter extends AsterAdapterBase {
  readonly capabilities: VenueCapabilities = {
    venue: 'asterdex',
    market: 'spot',
    postOnly: true,
    fok: true,
    stpModes: [],
    maxBatchPlace: 1,
    maxBatchCancel: 1,
    amend: false,
    deadManSwitch: false,
    cancelAllMinIntervalMs: 0,
    maxClientOrderIdLength: 36,
    fillsFromTradeId: true,
  };

  constructor(options: AsterAdapterOptions) {
    super('spot', options);
  }

  async balances(): Promise<readonly Balance[]> {
    const account = await this.api.spotAccount();
    const out: Balance[] = [];
    for (const b of account.balances) {
      const free = fx.parse(b.free);
      const locked = fx.parse(b.locked);
      this.lockedCache.set(b.asset, locked);
      if (free === 0n && locked === 0n) continue;
      out.push({ asset: b.asset, total: free + locked, free, locked });
    }
    return out;
  }

  async positions(): Promise<readonly Position[]> {
    return [];
  }

  async marginSummary(): Promise<MarginSummary | null> {
    return null;
  }

  async amendOrder(): Promise<AmendResult> {
    return { ok: false, outcome: 'rejected', error: new EngineError('NOT_SUPPORTED', 'Asterdex spot cannot modify orders; cancel and place a new one') };
  }

  async setDeadManSwitch(): Promise<void> {
    throw new EngineError('NOT_SUPPORTED', 'Asterdex spot has no dead-man switch (countdownCancelAll exists on futures only); use a local watchdog');
  }

  async setAccountStp(): Promise<void> {
    // spot has no venue-side self-trade prevention; the engine's own cross check applies
  }

  async setLeverage(): Promise<void> {
    throw new EngineError('NOT_SUPPORTED', 'leverage applies to perpetual markets only');
  }

  async setMarginType(): Promise<void> {
    throw new EngineError('NOT_SUPPORTED', 'margin type applies to perpetual markets only');
  }
}
