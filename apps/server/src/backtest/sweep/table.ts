// Ranking a sweep: the cheapest volume among runs that did the job (≥ 95 % of the target, no
// self-trade, no error) first; the rest below, marked, in the same order.
import type { PlannedRun, SweepAxis } from './grid.ts';
import type { RunSummary } from './summary.ts';

export const MIN_TARGET_HIT_PCT = 95;

export interface SweepRow {
  readonly index: number;
  readonly point: Readonly<Record<string, unknown>>;
  readonly summary: RunSummary | undefined;
  readonly error: string | undefined;
  /** Why the run does not compete (undefined when it does). */
  readonly excluded: string | undefined;
}

function exclusion(summary: RunSummary | undefined, error: string | undefined): string | undefined {
  if (summary === undefined) return `failed: ${error ?? 'no result'}`;
  if (summary.selfTrades > 0) return `${summary.selfTrades} self-trades`;
  if (summary.volumeEnabled && summary.hitPct < MIN_TARGET_HIT_PCT) return `target hit < ${MIN_TARGET_HIT_PCT} %`;
  if (summary.costOfVolumeBps === null) return 'no volume';
  return undefined;
}

const cost = (r: SweepRow) => r.summary?.costOfVolumeBps ?? Number.POSITIVE_INFINITY;

/** Competing rows by cost of volume (ties: grid order), then the excluded ones. */
export function rankRows(runs: readonly PlannedRun[], results: readonly { index: number; summary?: RunSummary; error?: string }[]): SweepRow[] {
  const byIndex = new Map(results.map((r) => [r.index, r]));
  const rows = runs.map((run): SweepRow => {
    const res = byIndex.get(run.index);
    return { index: run.index, point: Object.fromEntries(run.point), summary: res?.summary, error: res?.error, excluded: exclusion(res?.summary, res?.error) };
  });
  const order = (a: SweepRow, b: SweepRow) => cost(a) - cost(b) || a.index - b.index;
  return [...rows.filter((r) => r.excluded === undefined).sort(order), ...rows.filter((r) => r.excluded !== undefined).sort(order)];
}

/** The winner: the first competing row, if any. */
export function bestRow(rows: readonly SweepRow[]): SweepRow | undefined {
  return rows[0]?.excluded === undefined ? rows[0] : undefined;
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** The table as aligned text: swept values, then the figures; excluded rows marked with their reason. */
export function formatTable(axes: readonly SweepAxis[], rows: readonly SweepRow[]): string {
  const head = ['#', ...axes.map((a) => a.path), 'cost bps', 'net', 'volume', 'hit %', 'maker %', 'max DD', 'self-trades', ''];
  const body = rows.map((r) => {
    const s = r.summary;
    const figures = s === undefined ? ['–', '–', '–', '–', '–', '–', '–'] : [s.costOfVolumeBps === null ? '–' : s.costOfVolumeBps.toFixed(2), s.net, s.volume, s.hitPct.toFixed(2), s.makerSharePct.toFixed(2), s.maxDrawdown, String(s.selfTrades)];
    return [String(r.index + 1), ...axes.map((a) => show(r.point[a.path])), ...figures, r.excluded === undefined ? '' : `* ${r.excluded}`];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const numeric = (i: number) => i === 0 || i > axes.length;
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : numeric(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const firstExcluded = rows.findIndex((r) => r.excluded !== undefined);
  const lines = [line(head), line(widths.map((w, i) => (i === widths.length - 1 ? '' : '-'.repeat(w))))];
  body.forEach((row, i) => {
    if (i === firstExcluded && i > 0) lines.push(`-- not competing (need ≥ ${MIN_TARGET_HIT_PCT} % of the target, 0 self-trades) --`);
    lines.push(line(row));
  });
  return lines.join('\n');
}
