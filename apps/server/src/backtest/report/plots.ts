// The report's plots, each one <svg>, drawn from the report alone (so a saved report.json can be
// rendered again). Plotting converts decimals to numbers: pixels need no exactness.
import type { BacktestReport, FillRecord } from '../types.ts';
import { INK, chart, linePath, r1 } from './svg.ts';
import type { Scales } from './svg.ts';
import { niceStep, timeTicks, valueTicks } from './ticks.ts';

export interface Plot {
  readonly id: string;
  readonly svg: string;
}

const HOUR = 3_600_000;

function extent(values: readonly (number | null)[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? [0, 1] : [lo, hi];
}

const num = (v: string | null): number | null => (v === null ? null : Number(v));

function timeLine(r: BacktestReport, id: string, title: string, yTitle: string, lines: { label: string; stroke: string; dash?: string; values: (number | null)[] }[], extra?: { values: number[]; draw: (s: Scales) => string }): string {
  const samples = r.series.samples;
  const times = samples.map((s) => s.t);
  const [t0, t1] = times.length > 0 ? [times[0]!, times[times.length - 1]!] : [Date.parse(r.period.start), Date.parse(r.period.end)];
  const [lo, hi] = extent([...lines.flatMap((l) => l.values), ...(extra?.values ?? [])]);
  return chart({
    id,
    title,
    x: { ...timeTicks(t0, t1), title: 'time (UTC)' },
    y: { ...valueTicks(lo, hi), title: yTitle },
    legend: lines.map((l) => ({ label: l.label, stroke: l.stroke, ...(l.dash ? { dash: l.dash } : {}) })),
    body: (s) =>
      lines
        .map((l) => `<path d="${linePath(times.map((t, i) => [t, l.values[i] ?? null] as const), s)}" fill="none" stroke="${l.stroke}" stroke-width="1.5"${l.dash ? ` stroke-dasharray="${l.dash}"` : ''}/>`)
        .join('') + (extra?.draw(s) ?? ''),
  });
}

function fillMarks(fills: readonly FillRecord[], s: Scales): string {
  return fills
    .map((f) => {
      const x = r1(s.x(f.t));
      const y = r1(s.y(Number(f.price)));
      // buys point up under the price, sells point down above it
      return f.side === 'buy' ? `<path d="M${x} ${y}l-3 5h6z" fill="${INK.fg}" opacity="0.7"/>` : `<path d="M${x} ${y}l-3 -5h6z" fill="${INK.mute}" opacity="0.9"/>`;
    })
    .join('');
}

function hourlyPlot(r: BacktestReport): string {
  const hours = r.volume.hourly.map((h) => ({ t: Date.parse(h.hourStart), total: Number(h.total), leg: Number(h.volumeLeg), pace: Number(h.targetPace) }));
  const t0 = hours[0]?.t ?? Date.parse(r.period.start);
  const t1 = (hours[hours.length - 1]?.t ?? t0) + HOUR;
  const [, hi] = extent(hours.flatMap((h) => [h.total, h.pace]));
  const quote = r.pnl.quoteAsset;
  return chart({
    id: 'hourly-volume',
    title: `Volume per hour against the target's pace (${quote})`,
    x: { ...timeTicks(t0, t1), title: 'hour (UTC)' },
    y: { ...valueTicks(0, hi), title: quote },
    legend: [
      { label: 'volume leg', stroke: INK.fillLight, fill: true },
      { label: 'grid', stroke: INK.fg, fill: true },
      { label: 'target pace', stroke: INK.fg, dash: '5 3' },
    ],
    body: (s) => {
      const w = Math.max(1, s.x(t0 + HOUR) - s.x(t0) - 2);
      const bars = hours.map((h) => {
        const x = r1(s.x(h.t) + 1);
        const yLeg = s.y(h.leg);
        const yTotal = s.y(h.total);
        return `<rect x="${x}" y="${r1(yLeg)}" width="${r1(w)}" height="${r1(s.y(0) - yLeg)}" fill="${INK.fillLight}"/><rect x="${x}" y="${r1(yTotal)}" width="${r1(w)}" height="${r1(yLeg - yTotal)}" fill="${INK.fg}"/>`;
      });
      // the pace as a step line: flat over each hour
      const d = hours.map((h, i) => `${i === 0 ? 'M' : 'L'}${r1(s.x(h.t))} ${r1(s.y(h.pace))}H${r1(s.x(h.t + HOUR))}`).join('');
      return bars.join('') + `<path d="${d}" fill="none" stroke="${INK.fg}" stroke-width="1.5" stroke-dasharray="5 3"/>`;
    },
  });
}

function spreadHistogram(r: BacktestReport): string {
  const fills = r.series.fills.filter((f) => f.spreadBps !== null);
  const values = fills.map((f) => f.spreadBps!).sort((a, b) => a - b);
  // the middle 98 % sets the range; the rest land in the edge bins
  const lo = values[Math.floor(values.length * 0.01)] ?? -1;
  const hi = values[Math.min(values.length - 1, Math.ceil(values.length * 0.99))] ?? 1;
  const width = niceStep(Math.max(hi - lo, 1), 24);
  const first = Math.floor(lo / width) * width;
  const n = Math.max(1, Math.ceil((hi - first) / width + 1e-9));
  const bins = Array.from({ length: n }, () => ({ maker: 0, taker: 0 }));
  for (const f of fills) {
    const i = Math.min(n - 1, Math.max(0, Math.floor((f.spreadBps! - first) / width)));
    bins[i]![f.liquidity]++;
  }
  const [, top] = extent(bins.map((b) => b.maker + b.taker));
  const mean = r.execution.spreadCapturedBps.all;
  return chart({
    id: 'spread-captured',
    ...(fills.length === 0 ? { empty: 'no fills' } : {}),
    title: 'Spread captured per fill (bps against the mid at the trade; + = earned)',
    x: { ...valueTicks(first, first + n * width, 8), title: 'bps' },
    y: { ...valueTicks(0, top), title: 'fills' },
    legend: [
      { label: 'maker', stroke: INK.fg, fill: true },
      { label: 'taker', stroke: INK.fillLight, fill: true },
      ...(mean === null ? [] : [{ label: `weighted mean ${mean}`, stroke: INK.fg, dash: '2 3' }]),
    ],
    body: (s) => {
      const rects = bins.map((b, i) => {
        const x0 = s.x(first + i * width) + 0.5;
        const x1 = s.x(first + (i + 1) * width) - 0.5;
        const yMaker = s.y(b.maker);
        const yAll = s.y(b.maker + b.taker);
        return `<rect x="${r1(x0)}" y="${r1(yMaker)}" width="${r1(x1 - x0)}" height="${r1(s.y(0) - yMaker)}" fill="${INK.fg}"/><rect x="${r1(x0)}" y="${r1(yAll)}" width="${r1(x1 - x0)}" height="${r1(yMaker - yAll)}" fill="${INK.fillLight}"/>`;
      });
      const zero = first <= 0 && 0 <= first + n * width ? `<line x1="${r1(s.x(0))}" y1="${s.top}" x2="${r1(s.x(0))}" y2="${s.bottom}" stroke="${INK.dim}"/>` : '';
      const m = mean === null ? '' : `<line x1="${r1(s.x(mean))}" y1="${s.top}" x2="${r1(s.x(mean))}" y2="${s.bottom}" stroke="${INK.fg}" stroke-dasharray="2 3"/>`;
      return rects.join('') + zero + m;
    },
  });
}

function markoutPlot(r: BacktestReport): string {
  const e = r.execution;
  const labels = ['at fill', ...e.markoutHorizonsMs.map((h) => `${h / 1000} s`)];
  const line = (key: 'all' | 'maker' | 'taker') => [e.spreadCapturedBps[key], ...e.markoutBps[key]];
  const lines = [
    { label: 'all', stroke: INK.fg, dash: '', values: line('all') },
    { label: 'maker', stroke: INK.dim, dash: '6 3', values: line('maker') },
    { label: 'taker', stroke: INK.mute, dash: '2 3', values: line('taker') },
  ];
  const [lo, hi] = extent([0, ...lines.flatMap((l) => l.values)]);
  return chart({
    id: 'markouts',
    ...(r.series.fills.length === 0 ? { empty: 'no fills' } : {}),
    title: 'Markouts: the mid after each fill against its price (bps, notional-weighted; + = in our favour)',
    x: { min: -0.3, max: labels.length - 0.7, ticks: labels.map((label, i) => ({ value: i, label: [label] })), title: 'time after the fill' },
    y: { ...valueTicks(lo, hi), title: 'bps' },
    legend: lines.map((l) => ({ label: l.label, stroke: l.stroke, ...(l.dash ? { dash: l.dash } : {}) })),
    body: (s) =>
      lines
        .map((l) => {
          const path = `<path d="${linePath(l.values.map((v, i) => [i, v] as const), s)}" fill="none" stroke="${l.stroke}" stroke-width="2"${l.dash ? ` stroke-dasharray="${l.dash}"` : ''}/>`;
          const dots = l.values.map((v, i) => (v === null ? '' : `<circle cx="${r1(s.x(i))}" cy="${r1(s.y(v))}" r="3" fill="${l.stroke}"/>`)).join('');
          return path + dots;
        })
        .join(''),
  });
}

export function reportPlots(r: BacktestReport): Plot[] {
  const samples = r.series.samples;
  const quote = r.pnl.quoteAsset;
  const base = r.pnl.baseAsset;
  const lastSample = samples[samples.length - 1]?.t ?? Infinity;
  // fills of the stop's last minute fall after the last sample: the time axis ends there
  const markedFills = r.series.fills.filter((f) => f.t <= lastSample);
  return [
    { id: 'equity', svg: timeLine(r, 'equity', `Account equity at the reference (${quote})`, quote, [{ label: 'equity', stroke: INK.fg, values: samples.map((s) => Number(s.equity)) }]) },
    { id: 'net-pnl', svg: timeLine(r, 'net-pnl', `The bot's net PnL from its ledger (${quote})`, quote, [{ label: 'net PnL', stroke: INK.fg, values: samples.map((s) => Number(s.net)) }]) },
    { id: 'inventory', svg: timeLine(r, 'inventory', `Inventory from the bot's fills (${base})`, base, [{ label: 'inventory', stroke: INK.fg, values: samples.map((s) => Number(s.base)) }]) },
    {
      id: 'price',
      svg: timeLine(
        r,
        'price',
        `Mid and reference price, with our fills (▲ buy, ▼ sell)`,
        quote,
        [
          { label: 'mid', stroke: INK.fg, values: samples.map((s) => num(s.mid)) },
          { label: 'reference', stroke: INK.mute, dash: '4 3', values: samples.map((s) => num(s.reference)) },
        ],
        { values: markedFills.map((f) => Number(f.price)), draw: (s) => fillMarks(markedFills, s) },
      ),
    },
    { id: 'hourly-volume', svg: hourlyPlot(r) },
    { id: 'spread-captured', svg: spreadHistogram(r) },
    { id: 'markouts', svg: markoutPlot(r) },
  ];
}
