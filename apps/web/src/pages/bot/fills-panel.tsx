// Our fills: filterable by side, tag and period, paged backwards, exportable as CSV with the
// same filters. New fills arrive through the WebSocket at the top.
import { useMemo, useState } from 'react';
import { tradingDay } from '@mm/core';
import { errorMessage, withQuery } from '../../lib/api.ts';
import { useFills } from '../../lib/queries.ts';
import type { FillFilters } from '../../lib/queries.ts';
import { dec, fmtDateTime } from '../../lib/format.ts';
import { useTimeZone } from '../../lib/prefs.ts';
import { Empty, ErrorText, Panel } from '../../ui/panel.tsx';
import { SideText } from '../../ui/status.tsx';
import { FilterSelect } from '../../ui/filter-select.tsx';
import { TableHead } from '../../ui/table-head.tsx';
import { PageFooter } from '../../ui/page-footer.tsx';

type Period = 'all' | '1h' | 'today' | '24h' | '7d';

const SIDES = [['', 'all'], ['buy', 'buy'], ['sell', 'sell']] as const;
const TAGS = [['', 'all'], ['mm', 'mm'], ['volume', 'volume']] as const;
const PERIODS: readonly (readonly [Period, string])[] = [['all', 'all'], ['1h', 'last hour'], ['today', 'today'], ['24h', '24 h'], ['7d', '7 days']];

function periodStart(period: Period, timeZone: string): number | undefined {
  const now = Date.now();
  switch (period) {
    case 'all':
      return undefined;
    case '1h':
      return now - 3_600_000;
    case 'today':
      return tradingDay(now, timeZone).start;
    case '24h':
      return now - 86_400_000;
    case '7d':
      return now - 7 * 86_400_000;
  }
}

export function FillsPanel({ botId, priceDecimals, qtyDecimals }: { botId: string; priceDecimals: number | undefined; qtyDecimals: number | undefined }) {
  const tz = useTimeZone();
  const [side, setSide] = useState('');
  const [tag, setTag] = useState('');
  const [period, setPeriod] = useState<Period>('all');
  const filters = useMemo<FillFilters>(() => {
    const from = periodStart(period, tz);
    return { ...(side ? { side } : {}), ...(tag ? { tag } : {}), ...(from !== undefined ? { from } : {}) };
  }, [side, tag, period, tz]);
  const fills = useFills(botId, filters);
  const items = useMemo(() => fills.data?.pages.flatMap((p) => p.items) ?? [], [fills.data]);
  const csv = withQuery(`/api/bots/${encodeURIComponent(botId)}/fills.csv`, filters);
  return (
    <Panel
      title="Fills"
      id="fills"
      bodyClassName="p-0"
      actions={
        <>
          <FilterSelect label="Side" value={side} onChange={setSide} options={SIDES} />
          <FilterSelect label="Tag" value={tag} onChange={setTag} options={TAGS} />
          <FilterSelect label="Period" value={period} onChange={setPeriod} options={PERIODS} />
          <a href={csv} download className="inline-flex h-6 items-center border border-line-strong bg-raised px-2 hover:border-dim">
            Export CSV
          </a>
        </>
      }
    >
      {fills.isError ? <ErrorText>{errorMessage(fills.error)}</ErrorText> : null}
      <div className="max-h-[26rem] overflow-auto">
        {fills.isPending ? (
          <Empty>loading…</Empty>
        ) : items.length === 0 ? (
          <Empty>No fills{side || tag || period !== 'all' ? ' match the filters' : ' yet'}.</Empty>
        ) : (
          <table className="grid-table" aria-label="Fills">
            <TableHead columns={['Time', 'Side', ['Price', 'num'], ['Qty', 'num'], ['Notional', 'num'], ['Fee', 'num'], 'Liq.', 'Tag']} />
            <tbody>
              {items.map((f) => (
                <tr key={`${f.venue}:${f.tradeId}`} title={`trade ${f.tradeId} · order ${f.clientOrderId}`}>
                  <td className="text-dim">{fmtDateTime(f.venueTime, tz)}</td>
                  <td>
                    <SideText side={f.side} />
                  </td>
                  <td className="num">{dec(f.price, { decimals: priceDecimals })}</td>
                  <td className="num">{dec(f.qty, { decimals: qtyDecimals })}</td>
                  <td className="num">{dec(f.notional, { decimals: 2 })}</td>
                  <td className="num text-dim">
                    {dec(f.fee, { maxDecimals: 6 })} {f.feeAsset}
                  </td>
                  <td className="text-dim">{f.liquidity}</td>
                  <td className="text-dim">{f.tag}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <PageFooter query={fills} shown={items.length} noun="fills" />
    </Panel>
  );
}
