// The grid the strategy would place right now, computed in the browser with @mm/strategy's
// computeGrid from the server's market snapshot and the form's current values.
import { useDeferredValue, useMemo } from 'react';
import { useWatch } from 'react-hook-form';
import { Instrument, Rng, fx, marketMakingSchema } from '@mm/core';
import type { BotConfigInput, MarketSnapshotDto } from '@mm/core';
import { computeGrid } from '@mm/strategy';
import type { DesiredQuote, GridResult } from '@mm/strategy';
import { errorMessage } from '../../lib/api.ts';
import { useMarket } from '../../lib/queries.ts';
import { dec, distancePct } from '../../lib/format.ts';
import { fmtTime } from '../../lib/format.ts';
import { useTimeZone } from '../../lib/prefs.ts';
import { Panel } from '../../ui/panel.tsx';
import { TableHead } from '../../ui/table-head.tsx';

type Preview =
  | { readonly ok: true; readonly grid: GridResult; readonly instrument: Instrument; readonly snapshot: MarketSnapshotDto }
  | { readonly ok: false; readonly message: string };

const DROP_REASONS: Record<string, string> = {
  below_min_size: 'below the venue minimum size',
  below_min_notional: 'below the venue minimum order value',
  budget_exhausted: 'budget used up',
  would_cross: 'would cross the opposite best price',
  price_band: 'outside the price ceiling/floor',
  non_positive_price: 'price would be zero or negative',
  duplicate_price: 'same price as a neighbouring level',
};

function preview(mm: unknown, snapshot: MarketSnapshotDto | undefined, seed: unknown): Preview {
  const parsed = marketMakingSchema.safeParse(mm);
  if (!parsed.success) return { ok: false, message: 'Fix the market-making fields marked in red to see the grid.' };
  if (!snapshot) return { ok: false, message: 'Waiting for market data…' };
  if (snapshot.reference === undefined) return { ok: false, message: 'The market has no reference price yet (empty book?).' };
  try {
    const instrument = new Instrument(snapshot.instrument);
    const grid = computeGrid({
      config: parsed.data,
      instrument,
      market: {
        reference: fx.parse(snapshot.reference),
        bestBid: snapshot.bestBid === undefined ? undefined : instrument.priceToTicks(snapshot.bestBid, 'floor'),
        bestAsk: snapshot.bestAsk === undefined ? undefined : instrument.priceToTicks(snapshot.bestAsk, 'ceil'),
      },
      inventory: { base: fx.parse(snapshot.inventory.base), quote: fx.parse(snapshot.inventory.quote) },
      fees: { maker: fx.parse(snapshot.fees.maker), taker: fx.parse(snapshot.fees.taker) },
      rng: new Rng(typeof seed === 'number' && Number.isFinite(seed) ? seed : 1),
    });
    return { ok: true, grid, instrument, snapshot };
  } catch (e) {
    return { ok: false, message: errorMessage(e) };
  }
}

export function GridPreview() {
  const mm = useWatch<BotConfigInput, 'marketMaking'>({ name: 'marketMaking' });
  const accountId = useWatch<BotConfigInput, 'accountId'>({ name: 'accountId' });
  const symbol = useWatch<BotConfigInput, 'symbol'>({ name: 'symbol' });
  const seed = useWatch<BotConfigInput, 'seed'>({ name: 'seed' });
  const tz = useTimeZone();
  const market = useMarket(accountId || undefined, symbol?.trim() || undefined);
  // typing stays smooth: the grid recomputes with the latest values when the browser is idle
  const deferred = useDeferredValue(mm);
  const result = useMemo(() => preview(structuredClone(deferred), market.data, seed), [deferred, market.data, seed]);
  return (
    <Panel title="Grid preview" id="grid-preview" bodyClassName="p-0">
      <div aria-live="polite" className="px-3 py-2 text-[0.9em] text-dim">
        {!accountId || !symbol ? (
          'Choose an account and a symbol to preview the grid.'
        ) : market.isError ? (
          <span className="text-err">{errorMessage(market.error)}</span>
        ) : result.ok ? (
          <>
            {result.snapshot.instrument.symbol} · ref {dec(result.snapshot.reference)} · bid {dec(result.snapshot.bestBid)} / ask {dec(result.snapshot.bestAsk)} · at {fmtTime(result.snapshot.at, tz)}
          </>
        ) : (
          result.message
        )}
      </div>
      {result.ok ? <GridTable result={result} /> : null}
    </Panel>
  );
}

function GridTable({ result }: { result: Extract<Preview, { ok: true }> }) {
  const { grid, instrument, snapshot } = result;
  const row = (q: DesiredQuote) => {
    const price = instrument.ticksToPrice(q.priceTicks);
    const qty = instrument.lotsToQty(q.qtyLots);
    const notional = fx.format(instrument.notional(q.priceTicks, q.qtyLots));
    const d = distancePct(price, snapshot.reference, 3);
    return (
      <tr key={`${q.side}${q.level}`} data-side={q.side}>
        <td className={q.side === 'buy' ? 'text-buy' : 'text-sell'}>
          {q.side === 'buy' ? 'BID' : 'ASK'} {q.level + 1}
        </td>
        <td className="num">{dec(price)}</td>
        <td className="num text-dim">{d === undefined ? '—' : `${d.startsWith('-') ? '' : '+'}${d}%`}</td>
        <td className="num">{dec(qty)}</td>
        <td className="num">{dec(notional, { decimals: 2 })}</td>
      </tr>
    );
  };
  const bidNotional = grid.bids.reduce((s, q) => s + instrument.notional(q.priceTicks, q.qtyLots), 0n);
  const askQty = grid.asks.reduce((s, q) => s + instrument.lotsToFixed(q.qtyLots), 0n);
  const askNotional = grid.asks.reduce((s, q) => s + instrument.notional(q.priceTicks, q.qtyLots), 0n);
  const d = grid.diagnostics;
  return (
    <>
      <table className="grid-table" aria-label="Grid preview">
        <TableHead columns={['Level', ['Price', 'num'], ['From ref', 'num'], ['Size', 'num'], ['Value', 'num']]} />
        <tbody>
          {[...grid.asks].reverse().map(row)}
          <tr>
            <td colSpan={5} className="text-center text-dim">
              — reference {dec(snapshot.reference)} —
            </td>
          </tr>
          {grid.bids.map(row)}
        </tbody>
      </table>
      <dl className="grid grid-cols-2 gap-x-4 gap-y-1 border-t border-line px-3 py-2 text-[0.9em]">
        <dt className="text-mute">bids</dt>
        <dd className="text-right">
          {grid.bids.length} orders · {dec(fx.format(bidNotional), { decimals: 2 })} {instrument.quote}
        </dd>
        <dt className="text-mute">asks</dt>
        <dd className="text-right">
          {grid.asks.length} orders · {dec(fx.format(askQty))} {instrument.base} ({dec(fx.format(askNotional), { decimals: 2 })} {instrument.quote})
        </dd>
        <dt className="text-mute">inventory</dt>
        <dd className="text-right">
          {dec(snapshot.inventory.base, { maxDecimals: 4 })} {instrument.base} · {dec(snapshot.inventory.quote, { decimals: 2 })} {instrument.quote} · base share {d.baseSharePct.toFixed(1)}%
        </dd>
        <dt className="text-mute">innermost spread</dt>
        <dd className="text-right">
          bid {d.bidMinSpreadPct.toFixed(3)}% · ask {d.askMinSpreadPct.toFixed(3)}% (after the break-even floor)
        </dd>
        {d.skew !== 0 ? (
          <>
            <dt className="text-mute">skew</dt>
            <dd className="text-right">
              {d.skew.toFixed(2)} · sizes ×{d.bidSizeMultiplier.toFixed(2)} bid / ×{d.askSizeMultiplier.toFixed(2)} ask
            </dd>
          </>
        ) : null}
      </dl>
      {grid.dropped.length > 0 ? (
        <ul aria-label="Dropped levels" className="border-t border-line px-3 py-2 text-[0.9em] text-dim">
          {grid.dropped.map((x) => (
            <li key={`${x.side}${x.level}`}>
              {x.side === 'buy' ? 'bid' : 'ask'} level {x.level + 1} dropped: {DROP_REASONS[x.reason] ?? x.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
