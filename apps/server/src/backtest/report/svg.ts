// A small SVG chart frame: axes with ticks, grid lines, axis titles and a legend; the caller draws
// the marks through the frame's scales. Colours are greys only; series differ by shade and dash.
import type { Ticks } from './ticks.ts';

export const WIDTH = 960;
const MARGIN = { left: 84, right: 20, top: 30, bottom: 58 } as const;

export const INK = { fg: '#e8e8e8', dim: '#a0a0a0', mute: '#6a6a6a', grid: '#222222', axis: '#4a4a4a', fill: '#3a3a3a', fillLight: '#8a8a8a' } as const;

export interface LegendItem {
  readonly label: string;
  readonly stroke: string;
  readonly dash?: string;
  /** A filled square instead of a line. */
  readonly fill?: boolean;
}

export interface Scales {
  readonly x: (v: number) => number;
  readonly y: (v: number) => number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export interface ChartSpec {
  /** Names the plot for readers and tests (data-plot attribute). */
  readonly id: string;
  readonly title: string;
  readonly height?: number;
  readonly x: Ticks & { readonly title: string };
  readonly y: Ticks & { readonly title: string };
  readonly legend?: readonly LegendItem[];
  /** Said in the middle of the plot instead of marks (e.g. "no fills"). */
  readonly empty?: string;
  /** Draws the marks; returns SVG elements. */
  readonly body: (s: Scales) => string;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const r1 = (v: number) => Math.round(v * 10) / 10;

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${r1(x)}" y="${r1(y)}" ${attrs}>${escapeXml(content)}</text>`;
}

/** Monospace text at 11–12 px: about this wide per character. */
const CHAR_PX = 7.2;
const legendItemWidth = (item: LegendItem) => item.label.length * 6.7 + 30;

function legend(items: readonly LegendItem[], right: number, y: number): string {
  let x = right;
  const parts: string[] = [];
  for (const item of [...items].reverse()) {
    x -= legendItemWidth(item);
    const mark = item.fill
      ? `<rect x="${r1(x)}" y="${y - 9}" width="14" height="9" fill="${item.stroke}"/>`
      : `<line x1="${r1(x)}" y1="${y - 4}" x2="${r1(x + 18)}" y2="${y - 4}" stroke="${item.stroke}" stroke-width="2"${item.dash ? ` stroke-dasharray="${item.dash}"` : ''}/>`;
    parts.push(mark + text(x + 22, y, item.label, 'class="legend"'));
  }
  return parts.join('');
}

/** One plot as an <svg> element, scaled to its container's width. */
export function chart(spec: ChartSpec): string {
  const left = MARGIN.left;
  const right = WIDTH - MARGIN.right;
  // a legend that would run into the title goes on its own line under it
  const legendWidth = (spec.legend ?? []).reduce((w, item) => w + legendItemWidth(item), 0);
  const ownLine = spec.title.length * CHAR_PX + legendWidth + 24 > right - left;
  const top = MARGIN.top + (ownLine ? 16 : 0);
  const height = (spec.height ?? 270) + (ownLine ? 16 : 0);
  const bottom = height - MARGIN.bottom;
  const span = (t: Ticks) => (t.max === t.min ? 1 : t.max - t.min);
  const x = (v: number) => left + ((v - spec.x.min) / span(spec.x)) * (right - left);
  const y = (v: number) => bottom - ((v - spec.y.min) / span(spec.y)) * (bottom - top);
  const grid: string[] = [];
  for (const t of spec.y.ticks) {
    const py = r1(y(t.value));
    grid.push(`<line x1="${left}" y1="${py}" x2="${right}" y2="${py}" stroke="${t.value === 0 ? INK.axis : INK.grid}"/>`);
    grid.push(text(left - 8, py + 4, t.label[0] ?? '', 'text-anchor="end"'));
  }
  for (const t of spec.x.ticks) {
    const px = r1(x(t.value));
    grid.push(`<line x1="${px}" y1="${bottom}" x2="${px}" y2="${bottom + 5}" stroke="${INK.axis}"/>`);
    grid.push(`<line x1="${px}" y1="${top}" x2="${px}" y2="${bottom}" stroke="${INK.grid}" stroke-dasharray="2 4"/>`);
    t.label.forEach((line, i) => grid.push(text(px, bottom + 18 + i * 13, line, `text-anchor="middle"${i > 0 ? ' class="sub"' : ''}`)));
  }
  const axes = `<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="${INK.axis}"/><line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="${INK.axis}"/>`;
  const titles =
    text(left, 18, spec.title, 'class="title"') +
    text(right, height - 6, spec.x.title, 'text-anchor="end" class="axis-title"') +
    text(14, (top + bottom) / 2, spec.y.title, `text-anchor="middle" class="axis-title" transform="rotate(-90 14 ${r1((top + bottom) / 2)})"`);
  const body = spec.empty === undefined ? spec.body({ x, y, left, right, top, bottom }) : text((left + right) / 2, (top + bottom) / 2, spec.empty, 'text-anchor="middle" class="title"');
  return (
    `<svg class="plot" data-plot="${escapeXml(spec.id)}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeXml(spec.title)}">` +
    `<rect width="${WIDTH}" height="${height}" fill="none"/>${grid.join('')}${axes}<g>${body}</g>${titles}${legend(spec.legend ?? [], right, ownLine ? 36 : 18)}</svg>`
  );
}

/** A polyline path through points (skipping gaps: null values break the line). */
export function linePath(points: readonly (readonly [number, number | null])[], s: Scales): string {
  let d = '';
  let pen = false;
  for (const [px, py] of points) {
    if (py === null || !Number.isFinite(py)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${r1(s.x(px))} ${r1(s.y(py))}`;
    pen = true;
  }
  return d;
}
