// A labelled form control with its help text and its validation message, wired for screen
// readers (label, aria-describedby, aria-invalid) so tests and people find fields by label.
import { cloneElement, isValidElement, useId } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { cx } from '../lib/cx.ts';

export interface FieldProps {
  readonly label: string;
  readonly help?: string | undefined;
  readonly error?: string | undefined;
  readonly children: ReactElement<Record<string, unknown>>;
  readonly className?: string;
  /** Put the control left of the label (checkboxes, switches). */
  readonly inline?: boolean;
  readonly suffix?: ReactNode;
}

export function Field({ label, help, error, children, className, inline, suffix }: FieldProps) {
  const id = useId();
  const helpId = help ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, helpId].filter(Boolean).join(' ') || undefined;
  const control = isValidElement(children)
    ? cloneElement(children, {
        id,
        'aria-describedby': describedBy,
        'aria-invalid': error ? true : undefined,
        ...(inline ? {} : { className: cx('w-full', children.props.className as string | undefined) }),
      })
    : children;
  return (
    <div className={cx('min-w-0', className)}>
      {inline ? (
        <div className="flex items-center gap-2">
          {control}
          <label htmlFor={id} className="text-fg">
            {label}
          </label>
        </div>
      ) : (
        <>
          <label htmlFor={id} className="mb-0.5 block text-[0.9em] text-dim">
            {label}
          </label>
          <div className="flex items-center gap-1.5">
            {control}
            {suffix ? <span className="shrink-0 text-[0.9em] text-mute">{suffix}</span> : null}
          </div>
        </>
      )}
      {error ? (
        <p id={errorId} role="alert" className="mt-0.5 text-[0.9em] text-err">
          {error}
        </p>
      ) : null}
      {help ? (
        <p id={helpId} className="mt-0.5 text-[0.85em] leading-snug text-mute">
          {help}
        </p>
      ) : null}
    </div>
  );
}

export function FormError({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p role="alert" className="border border-err/50 bg-err/5 px-3 py-2 text-err">
      {children}
    </p>
  );
}
