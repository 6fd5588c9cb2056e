// Shared look of the lightweight-charts charts: terminal palette, our font, the display time
// zone on the time axis. The TradingView attribution logo stays on (licence requirement).
import { ColorType, CrosshairMode, TickMarkType } from 'lightweight-charts';
import type { ChartOptions, DeepPartial, ISeriesApi, Time, UTCTimestamp } from 'lightweight-charts';
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
      attributionLogo: true,
    },
    grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } },
    crosshair: { mode: CrosshairMode.Normal },
    rightPriceScale: { borderColor: COLORS.grid },
    leftPriceScale: { borderColor: COLORS.grid },
    timeScale: {
      borderColor: COLORS.grid,
      timeVisible: true,
      secondsVisible: true,
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

/** Keeps one point per second, sorted, the latest value winning. */
export class PointBuffer {
  private readonly points = new Map<number, number>();
  private last = -Infinity;

  put(time: number, value: number): 'append' | 'replace' | 'old' {
    const kind = time > this.last ? 'append' : time === this.last ? 'replace' : 'old';
    this.points.set(time, value);
    if (time > this.last) this.last = time;
    return kind;
  }

  data(): { time: UTCTimestamp; value: number }[] {
    return [...this.points.entries()].sort((a, b) => a[0] - b[0]).map(([time, value]) => ({ time: time as UTCTimestamp, value }));
  }

  get size(): number {
    return this.points.size;
  }
}

/** A live point: kept in the buffer, and drawn unless it is older than the last one. */
export function pushPoint(series: ISeriesApi<'Line'>, buffer: PointBuffer, at: number, value: string | undefined): void {
  const v = chartNumber(value);
  if (v === undefined) return;
  const time = toTime(at);
  if (buffer.put(time, v) !== 'old') series.update({ time, value: v });
}
