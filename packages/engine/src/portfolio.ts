// The account as the venue reports it to one bot: balances, the symbol's position and (perps)
// the margin summary. The bot's own figures (its position, cost, PnL, fees, volume) are not
// here: they are the ledger's, folded over the bot's own fills (@mm/core ledger).
import { fx } from '@mm/core';
import type { Balance, Fixed, Instrument, MarginSummary, Position } from '@mm/core';

export class Portfolio {
  private readonly balances = new Map<string, Balance>();
  private positionReport: Position | undefined;
  private margin: MarginSummary | undefined;

  constructor(readonly instrument: Instrument) {}

  setBalances(list: readonly Balance[]): void {
    for (const b of list) this.balances.set(b.asset, b);
  }

  setPosition(position: Position): void {
    if (position.symbol === this.instrument.symbol) this.positionReport = position;
  }

  setMargin(summary: MarginSummary): void {
    this.margin = summary;
  }

  balance(asset: string): Balance | undefined {
    return this.balances.get(asset);
  }

  get position(): Position | undefined {
    return this.positionReport;
  }

  get marginSummary(): MarginSummary | undefined {
    return this.margin;
  }

  /** Base holdings of the account for sizing and skew: total balance (spot) or signed position (perps). */
  baseTotal(): Fixed {
    if (this.instrument.kind === 'perp') {
      const lots = this.positionReport?.qtyLots ?? 0;
      return lots < 0 ? -this.instrument.lotsToFixed(-lots) : this.instrument.lotsToFixed(lots);
    }
    return this.balances.get(this.instrument.base)?.total ?? 0n;
  }

  quoteTotal(): Fixed {
    if (this.instrument.kind === 'perp') return this.margin?.marginBalance ?? this.balances.get(this.instrument.marginAsset)?.total ?? 0n;
    return this.balances.get(this.instrument.quote)?.total ?? 0n;
  }

  free(asset: string): Fixed {
    return this.balances.get(asset)?.free ?? 0n;
  }

  /**
   * Account value in quote at `reference`. Perps: the wallet plus the position's unrealized PnL
   * at the reference, from the freshest of the margin summary and the balance/position reports
   * (the user stream moves balances and positions on every fill; the summary may be older).
   */
  equity(reference: Fixed): Fixed {
    const inst = this.instrument;
    if (inst.kind === 'perp') {
      const balance = this.balances.get(inst.marginAsset);
      const wallet = balance?.total ?? this.margin?.walletBalance ?? 0n;
      const p = this.positionReport;
      if (p === undefined || p.qtyLots === 0) return wallet;
      const qty = (inst.lotsToFixed(Math.abs(p.qtyLots)) * inst.multiplier) / fx.SCALE;
      const upl = fx.mul(qty, reference - p.entryPrice);
      return wallet + (p.qtyLots > 0 ? upl : -upl);
    }
    return this.quoteTotal() + fx.mul(this.baseTotal(), reference);
  }
}
