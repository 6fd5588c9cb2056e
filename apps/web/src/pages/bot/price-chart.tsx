// Reference price (history + live) with the best bid/ask and our open orders drawn as price
// lines (buy green, sell red). Live points go straight to the chart, not through React. The
// order lines carry no price-axis labels (a grid of them hid the axis); only our innermost buy
// and sell are titled, and every level is listed in the open orders panel.
import { useEffect, useRef } from 'react';
import { LineSeries, LineStyle, createChart } from 'lightweight-charts';
import type { AutoscaleInfo, IChartApi, IPriceLine, ISeriesApi } from 'lightweight-charts';
import type { BotDetailDto } from '@mm/core';
import { useOpenOrders, useStatsHistory } from '../../lib/queries.ts';
import { chartNumber } from '../../lib/chart-number.ts';
import { dec, stepDecimals } from '../../lib/format.ts';
import { useTimeZone } from '../../lib/prefs.ts';
import { COLORS, PointBuffer, chartOptions, exposeChart, pushPoint, toTime } from './chart-theme.ts';
import { ChartAttribution } from './chart-attribution.tsx';

interface Chart {
  chart: IChartApi;
  reference: ISeriesApi<'Line'>;
  bid: ISeriesApi<'Line'>;
  ask: ISeriesApi<'Line'>;
  buffers: { reference: PointBuffer; bid: PointBuffer; ask: PointBuffer };
  lines: IPriceLine[];
}

export default function PriceChart({ bot }: { bot: BotDetailDto }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<Chart | undefined>(undefined);
  const tz = useTimeZone();
  const history = useStatsHistory(bot.id);
  const orders = useOpenOrders(bot.id);
  const decimals = stepDecimals(bot.instrument?.tickSize) ?? 4;
  const minMove = chartNumber(bot.instrument?.tickSize) ?? 0.0001;
  // the price scale always shows every one of our levels, not only those near the price
  const levels = useRef<{ min: number; max: number } | undefined>(undefined);

  useEffect(() => {
    const c = createChart(el.current!, chartOptions(tz));
    const priceFormat = { type: 'price' as const, precision: decimals, minMove };
    const reference = c.addSeries(LineSeries, {
      color: COLORS.line,
      lineWidth: 2,
      priceFormat,
      title: 'ref',
      lastValueVisible: true,
      autoscaleInfoProvider: (base: () => AutoscaleInfo | null) => {
        const info = base();
        const l = levels.current;
        if (!info?.priceRange || !l) return info;
        return { ...info, priceRange: { minValue: Math.min(info.priceRange.minValue, l.min), maxValue: Math.max(info.priceRange.maxValue, l.max) } };
      },
    });
    const bid = c.addSeries(LineSeries, { color: COLORS.buy, lineWidth: 1, priceFormat, lastValueVisible: false, priceLineVisible: false, crosshairMarkerVisible: false });
    const ask = c.addSeries(LineSeries, { color: COLORS.sell, lineWidth: 1, priceFormat, lastValueVisible: false, priceLineVisible: false, crosshairMarkerVisible: false });
    const state: Chart = { chart: c, reference, bid, ask, buffers: { reference: new PointBuffer(), bid: new PointBuffer(), ask: new PointBuffer() }, lines: [] };
    chart.current = state;
    const unexpose = exposeChart('price', c, reference);
    return () => {
      unexpose();
      c.remove();
      chart.current = undefined;
    };
  }, [bot.id, tz, decimals, minMove]);

  // live: every stats update of the bot (WebSocket, at most a few per second) adds a point
  const stats = bot.stats;
  useEffect(() => {
    const c = chart.current;
    if (!c || !stats) return;
    pushPoint(c.reference, c.buffers.reference, stats.at, stats.reference);
    pushPoint(c.bid, c.buffers.bid, stats.at, stats.bestBid);
    pushPoint(c.ask, c.buffers.ask, stats.at, stats.bestAsk);
    el.current!.dataset.points = String(c.buffers.reference.size);
  }, [stats, tz, decimals, minMove]);

  // history: merged under the live points, then drawn once
  useEffect(() => {
    const c = chart.current;
    if (!c || !history.data) return;
    for (const p of history.data) {
      const v = chartNumber(p.reference);
      if (v !== undefined) c.buffers.reference.put(toTime(p.at), v);
    }
    c.reference.setData(c.buffers.reference.data());
    c.chart.timeScale().fitContent();
    el.current!.dataset.points = String(c.buffers.reference.size);
  }, [history.data, tz]);

  // our open orders as horizontal levels
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    for (const line of c.lines) c.reference.removePriceLine(line);
    c.lines = [];
    let min = Infinity;
    let max = -Infinity;
    const items = (orders.data?.items ?? []).flatMap((o) => {
      const price = chartNumber(o.price);
      return price === undefined ? [] : [{ o, price }];
    });
    // our innermost buy and sell (closest to the price) get a title; the others only their line
    const innerBuy = Math.max(...items.filter((i) => i.o.side === 'buy').map((i) => i.price));
    const innerSell = Math.min(...items.filter((i) => i.o.side === 'sell').map((i) => i.price));
    for (const { o, price } of items) {
      min = Math.min(min, price);
      max = Math.max(max, price);
      const inner = o.side === 'buy' ? price === innerBuy : price === innerSell;
      c.lines.push(
        c.reference.createPriceLine({
          price,
          color: o.side === 'buy' ? COLORS.buy : COLORS.sell,
          lineWidth: 1,
          lineStyle: o.tag === 'volume' ? LineStyle.Dotted : LineStyle.Dashed,
          axisLabelVisible: false,
          title: inner ? `${o.side === 'buy' ? 'B' : 'S'} ${dec(o.qty, { grouping: false })}` : '',
        }),
      );
    }
    levels.current = min <= max ? { min, max } : undefined;
  }, [orders.data, tz]);

  const count = orders.data?.items.length ?? 0;
  return (
    <figure>
      <div ref={el} className="h-[440px] w-full" role="img" aria-label={`Price chart of ${bot.symbol} with ${count} of our order levels`} />
      <figcaption className="mt-1 flex flex-wrap justify-between gap-x-4 text-[0.8em] text-mute">
        <span>white: reference · thin green/red: best bid/ask · dashed: our grid orders · dotted: volume orders</span>
        <ChartAttribution />
      </figcaption>
    </figure>
  );
}
