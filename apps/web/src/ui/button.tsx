import type { ButtonHTMLAttributes } from 'react';
import { cx } from '../lib/cx.ts';

export type ButtonVariant = 'default' | 'primary' | 'ghost' | 'danger';

const VARIANTS: Record<ButtonVariant, string> = {
  default: 'border-line-strong bg-raised text-fg hover:border-dim',
  primary: 'border-fg bg-fg text-bg hover:bg-white',
  ghost: 'border-transparent text-dim hover:text-fg hover:border-line',
  danger: 'border-err/60 text-err hover:bg-err/10',
};

export function Button({ variant = 'default', size = 'md', className, type = 'button', ...rest }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant; size?: 'sm' | 'md' }) {
  return (
    <button
      type={type}
      className={cx(
        'inline-flex items-center justify-center gap-1 rounded-[2px] border font-medium whitespace-nowrap transition-colors disabled:cursor-not-allowed disabled:opacity-40',
        size === 'sm' ? 'h-6 px-2 text-[0.92em]' : 'h-7 px-3',
        VARIANTS[variant],
        className,
      )}
      {...rest}
    />
  );
}
