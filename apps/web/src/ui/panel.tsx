import type { ReactNode } from 'react';
import { cx } from '../lib/cx.ts';

/** A titled box of the terminal layout; the title is the region's accessible name. */
export function Panel({ title, actions, children, className, bodyClassName, id }: { title: string; actions?: ReactNode; children: ReactNode; className?: string; bodyClassName?: string; id?: string }) {
  const headingId = `${id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-title`;
  return (
    <section aria-labelledby={headingId} className={cx('flex min-w-0 flex-col border border-line bg-panel', className)}>
      <header className="flex min-h-8 items-center justify-between gap-2 border-b border-line px-3 py-1">
        <h2 id={headingId} className="text-[0.85em] font-semibold tracking-wider text-dim uppercase">
          {title}
        </h2>
        {actions ? <div className="flex flex-wrap items-center gap-2">{actions}</div> : null}
      </header>
      <div className={cx('min-h-0 flex-1', bodyClassName ?? 'p-3')}>{children}</div>
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="px-3 py-4 text-center text-mute">{children}</p>;
}

export function ErrorText({ children }: { children: ReactNode }) {
  return (
    <p role="alert" className="text-err">
      {children}
    </p>
  );
}

/** A label/value pair of a stat strip. */
export function Stat({ label, children, sub }: { label: string; children: ReactNode; sub?: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-[0.8em] tracking-wider text-mute uppercase">{label}</dt>
      <dd className="truncate text-fg">{children}</dd>
      {sub ? <dd className="truncate text-[0.85em] text-dim">{sub}</dd> : null}
    </div>
  );
}
