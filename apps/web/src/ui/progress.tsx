import { cx } from '../lib/cx.ts';

/** A thin monochrome progress bar; `expectedPct` draws the pacing mark (where we should be now). */
export function Progress({ pct, expectedPct, label, className }: { pct: number; expectedPct?: number | undefined; label: string; className?: string }) {
  const clamped = Math.max(0, Math.min(100, Number.isFinite(pct) ? pct : 0));
  const expected = expectedPct === undefined ? undefined : Math.max(0, Math.min(100, expectedPct));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(clamped)}
      className={cx('relative h-1.5 w-full bg-line', className)}
    >
      <div className="h-full bg-fg/80" style={{ width: `${clamped}%` }} />
      {expected !== undefined ? <div aria-hidden="true" className="absolute -top-0.5 h-2.5 w-px bg-dim" style={{ left: `${expected}%` }} title="expected by now" /> : null}
    </div>
  );
}
