// The overview's totals per quote asset. Each bot's figure is rounded to the 8 places the API
// shows it with before it is added, so the footer is exactly the sum of the rows an operator
// sees (adding the unrounded figures drifts by 1e-8 against the rows now and then).
import { fx } from '@mm/core';
import type { Fixed, LedgerFigures, LedgerOverviewDto } from '@mm/core';

type TotalsDto = LedgerOverviewDto['totals'][number];
type Sums = { -readonly [K in Exclude<keyof TotalsDto, 'quoteAsset'>]: Fixed };

const shown = (v: Fixed) => fx.roundToDecimals(v, 8, 'half-up');
const f8 = (v: Fixed) => fx.format(v, { decimals: 8 });

export class LedgerTotals {
  private readonly byQuote = new Map<string, Sums>();

  private of(quote: string): Sums {
    let t = this.byQuote.get(quote);
    if (t === undefined) {
      t = { net: 0n, realized: 0n, unrealized: 0n, fees: 0n, funding: 0n, netToday: 0n, volumeToday: 0n, volumeAllTime: 0n, unattributed: 0n };
      this.byQuote.set(quote, t);
    }
    return t;
  }

  addBot(quote: string, f: LedgerFigures): void {
    const t = this.of(quote);
    t.net += shown(f.net);
    t.realized += shown(f.realized);
    t.unrealized += shown(f.unrealized);
    t.fees += shown(f.fees);
    t.funding += shown(f.funding);
    t.netToday += shown(f.today.net ?? 0n);
    t.volumeToday += shown(f.today.maker + f.today.taker);
    t.volumeAllTime += shown(f.allTime.maker + f.allTime.taker);
  }

  /** The account's change that no bot explains, as the reconciliation line shows it. */
  addUnattributed(quote: string, change: Fixed): void {
    this.of(quote).unattributed += shown(change);
  }

  dto(): TotalsDto[] {
    return [...this.byQuote].map(([quoteAsset, t]) => ({
      quoteAsset,
      net: f8(t.net),
      realized: f8(t.realized),
      unrealized: f8(t.unrealized),
      fees: f8(t.fees),
      funding: f8(t.funding),
      netToday: f8(t.netToday),
      volumeToday: f8(t.volumeToday),
      volumeAllTime: f8(t.volumeAllTime),
      unattributed: f8(t.unattributed),
    }));
  }
}
