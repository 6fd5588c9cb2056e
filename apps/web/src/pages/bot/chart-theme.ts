// Shared look of the lightweight-charts charts: terminal palette, our font, the display time
// zone on the time axis, and a real time scale. lightweight-charts spaces bars by index, not by
// time, so the buffers below fill every second between two points with whitespace: 10 s history
// samples and 1 s live points then sit where their times say. The TradingView logo is off
// because it covered data; the attribution the licence asks for is the <ChartAttribution> link
// under each chart (the logo is optional when the page links to tradingview.com).
import { ColorType, CrosshairMode, TickMarkType } from 'lightweight-charts';
import type { ChartOptions, DeepPartial, IChartApi, ISeriesApi, LineData, Time, UTCTimestamp, WhitespaceData } from 'lightweight-charts';
import { chartNumber } from '../../lib/chart-number.ts';
import { fmtDateTime } from '../../lib/format.ts';

export const COLORS = {
  bg: '#101213',
  grid: '#1b1e20',
  text: '#959ba0',
  line: '#d9dcde',
  dim: '#5f666b',
  buy: '#3ecf6e',
  sell: '#f2665f',
};

function parts(t: Time, timeZone: string): string {
  return fmtDateTime((t as number) * 1000, timeZone);
}

export function chartOptions(timeZone: string): DeepPartial<ChartOptions> {
  return {
    autoSize: true,
    layout: {
      background: { type: ColorType.Solid, color: COLORS.bg },
      textColor: COLORS.text,
      fontFamily: "'JetBrains Mono Variable', ui-monospace, monospace",
      fontSize: 11,
      attributionLogo: false,
    },
    grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } },
    crosshair: { mode: CrosshairMode.Normal },
    rightPriceScale: { borderColor: COLORS.grid },
    leftPriceScale: { borderColor: COLORS.grid },
    timeScale: {
      borderColor: COLORS.grid,
      timeVisible: true,
      secondsVisible: true,
      // 24 h of one-second slots must fit the width
      minBarSpacing: 0.001,
      enableConflation: true,
      tickMarkFormatter: (t: Time, type: TickMarkType) => {
        const text = parts(t, timeZone); // "YYYY-MM-DD HH:MM:SS"
        if (type === TickMarkType.Year) return text.slice(0, 4);
        if (type === TickMarkType.Month || type === TickMarkType.DayOfMonth) return text.slice(5, 10);
        return type === TickMarkType.TimeWithSeconds ? text.slice(11, 19) : text.slice(11, 16);
      },
    },
    localization: { timeFormatter: (t: Time) => parts(t, timeZone) },
  };
}

/** Epoch ms to the chart's whole-second time. */
export function toTime(ms: number): UTCTimestamp {
  return Math.floor(ms / 1000) as UTCTimestamp;
}

/** The time axis has one slot per second. */
const SLOT = 1;
/** Points older than this before the newest one are dropped (24 h of history and a margin). */
const KEEP_S = 26 * 3600;
/** A live gap longer than this redraws the series instead of adding whitespace one by one. */
const MAX_GAP_UPDATES = 120;

export type ChartPoint = LineData<UTCTimestamp> | WhitespaceData<UTCTimestamp>;

/** Keeps one point per second, sorted, the latest value winning. */
export class PointBuffer {
  private readonly points = new Map<number, number>();
  private last = -Infinity;

  put(time: number, value: number): 'append' | 'replace' | 'old' {
    const kind = time > this.last ? 'append' : time === this.last ? 'replace' : 'old';
    this.points.set(time, value);
    if (time > this.last) this.last = time;
    if (this.points.size % 512 === 0) this.trim();
    return kind;
  }

  /** The newest time held, or undefined when empty. */
  get newest(): number | undefined {
    return this.points.size > 0 ? this.last : undefined;
  }

  /** The points with whitespace in every empty second between them: x is proportional to time. */
  data(): ChartPoint[] {
    const sorted = [...this.points.entries()].sort((a, b) => a[0] - b[0]);
    const out: ChartPoint[] = [];
    let prev: number | undefined;
    for (const [time, value] of sorted) {
      if (prev !== undefined) for (let t = prev + SLOT; t < time; t += SLOT) out.push({ time: t as UTCTimestamp });
      out.push({ time: time as UTCTimestamp, value });
      prev = time;
    }
    return out;
  }

  get size(): number {
    return this.points.size;
  }

  private trim(): void {
    const from = this.last - KEEP_S;
    for (const t of this.points.keys()) if (t < from) this.points.delete(t);
  }
}

/** A live point: kept in the buffer, and drawn unless it is older than the last one. */
export function pushPoint(series: ISeriesApi<'Line'>, buffer: PointBuffer, at: number, value: string | undefined): void {
  const v = chartNumber(value);
  if (v === undefined) return;
  const time = toTime(at);
  const previous = buffer.newest;
  const kind = buffer.put(time, v);
  if (kind === 'old') return;
  if (kind === 'append' && previous !== undefined && time - previous > MAX_GAP_UPDATES) {
    series.setData(buffer.data());
    return;
  }
  if (kind === 'append' && previous !== undefined) for (let t = previous + SLOT; t < time; t += SLOT) series.update({ time: t as UTCTimestamp });
  series.update({ time, value: v });
}

/**
 * Test hook: the end-to-end tests read the charts' time scales here (window.__mmCharts.price,
 * window.__mmCharts.history). Registering returns the function that removes the entry.
 */
export function exposeChart(name: string, chart: IChartApi, series: ISeriesApi<'Line'>): () => void {
  const w = window as unknown as { __mmCharts?: Record<string, { chart: IChartApi; series: ISeriesApi<'Line'> }> };
  const all = (w.__mmCharts ??= {});
  const entry = { chart, series };
  all[name] = entry;
  return () => {
    if (all[name] === entry) delete all[name];
  };
}
