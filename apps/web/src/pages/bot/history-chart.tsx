// Inventory (base, left scale) and net PnL (right scale) over the last 24 h, extended live.
import { useEffect, useRef } from 'react';
import { LineSeries, createChart } from 'lightweight-charts';
import type { IChartApi, ISeriesApi } from 'lightweight-charts';
import type { BotDetailDto } from '@mm/core';
import { useStatsHistory } from '../../lib/queries.ts';
import { chartNumber } from '../../lib/chart-number.ts';
import { useTimeZone } from '../../lib/prefs.ts';
import { assetsOf } from '../../lib/assets.ts';
import { COLORS, PointBuffer, chartOptions, exposeChart, pushPoint, toTime } from './chart-theme.ts';
import { ChartAttribution } from './chart-attribution.tsx';

interface State {
  chart: IChartApi;
  base: ISeriesApi<'Line'>;
  pnl: ISeriesApi<'Line'>;
  baseBuf: PointBuffer;
  pnlBuf: PointBuffer;
}

export default function HistoryChart({ bot }: { bot: BotDetailDto }) {
  const el = useRef<HTMLDivElement>(null);
  const state = useRef<State | undefined>(undefined);
  const tz = useTimeZone();
  const history = useStatsHistory(bot.id);
  const assets = assetsOf(bot);
  const baseName = assets.base || 'base';
  const quoteName = assets.quote || 'quote';

  useEffect(() => {
    const c = createChart(el.current!, { ...chartOptions(tz), leftPriceScale: { visible: true, borderColor: COLORS.grid } });
    const base = c.addSeries(LineSeries, { color: COLORS.line, lineWidth: 2, priceScaleId: 'left', title: baseName });
    const pnl = c.addSeries(LineSeries, { color: COLORS.text, lineWidth: 1, lineStyle: 2, priceScaleId: 'right', title: `PnL ${quoteName}` });
    const s: State = { chart: c, base, pnl, baseBuf: new PointBuffer(), pnlBuf: new PointBuffer() };
    state.current = s;
    const unexpose = exposeChart('history', c, base);
    return () => {
      unexpose();
      c.remove();
      state.current = undefined;
    };
  }, [bot.id, tz, baseName, quoteName]);

  const stats = bot.stats;
  useEffect(() => {
    const s = state.current;
    if (!s || !stats) return;
    pushPoint(s.base, s.baseBuf, stats.at, stats.position ? stats.position.qty : stats.base);
    pushPoint(s.pnl, s.pnlBuf, stats.at, stats.pnl.net);
  }, [stats, tz, baseName, quoteName]);

  useEffect(() => {
    const s = state.current;
    if (!s || !history.data) return;
    for (const p of history.data) {
      const b = chartNumber(p.base);
      const n = chartNumber(p.pnlNet);
      if (b !== undefined) s.baseBuf.put(toTime(p.at), b);
      if (n !== undefined) s.pnlBuf.put(toTime(p.at), n);
    }
    s.base.setData(s.baseBuf.data());
    s.pnl.setData(s.pnlBuf.data());
    s.chart.timeScale().fitContent();
  }, [history.data, tz]);

  const points = history.data?.length ?? 0;
  return (
    <figure>
      <div ref={el} className="h-[300px] w-full" role="img" aria-label={`Inventory in ${baseName} and net PnL in ${quoteName} over time (${points} stored points)`} />
      <figcaption className="mt-1 flex flex-wrap justify-between gap-x-4 text-[0.8em] text-mute">
        <span>
          white, left scale: {baseName} inventory · grey dashed, right scale: net PnL ({quoteName})
        </span>
        <ChartAttribution />
      </figcaption>
    </figure>
  );
}
