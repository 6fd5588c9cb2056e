// Status marks: the only coloured text of the dashboard besides buy/sell.
import type { BotStateName, Side, TradingStateName } from '@mm/core';
import { cx } from '../lib/cx.ts';

const STATE_CLASS: Record<BotStateName, string> = {
  INIT: 'text-dim',
  SYNC_BALANCES: 'text-dim',
  START_QUOTING: 'text-run',
  RUNNING: 'text-run',
  PAUSED: 'text-pause',
  ERROR: 'text-err',
  STOPPING: 'text-dim',
  STOPPED: 'text-mute',
};

const GLYPH: Record<BotStateName, string> = {
  INIT: '◌',
  SYNC_BALANCES: '◌',
  START_QUOTING: '◐',
  RUNNING: '●',
  PAUSED: '❚❚',
  ERROR: '✕',
  STOPPING: '◌',
  STOPPED: '○',
};

export function BotStatePill({ state }: { state: BotStateName }) {
  return (
    <span className={cx('inline-flex items-center gap-1 whitespace-nowrap', STATE_CLASS[state])} data-state={state}>
      <span aria-hidden="true" className="text-[0.8em]">
        {GLYPH[state]}
      </span>
      {state}
    </span>
  );
}

export function RiskPill({ state, blocked }: { state: TradingStateName; blocked?: boolean }) {
  const cls = state === 'HALTED' ? 'text-halt' : state === 'REDUCING' ? 'text-pause' : 'text-dim';
  return (
    <span className={cx('whitespace-nowrap', cls)} data-risk={state}>
      {state}
      {blocked ? <span className="ml-1 text-pause" title="Quoting is blocked by a risk rule">· BLOCKED</span> : null}
    </span>
  );
}

export function ModeBadge({ mode }: { mode: 'paper' | 'live' }) {
  return mode === 'live' ? (
    <span className="border border-fg px-1 text-[0.85em] font-semibold text-fg">LIVE</span>
  ) : (
    <span className="border border-line-strong px-1 text-[0.85em] text-dim">PAPER</span>
  );
}

export function SideText({ side }: { side: Side }) {
  return <span className={side === 'buy' ? 'text-buy' : 'text-sell'}>{side === 'buy' ? 'BUY' : 'SELL'}</span>;
}

export function LevelText({ level }: { level: string }) {
  const cls = level === 'error' ? 'text-err' : level === 'warn' ? 'text-pause' : level === 'debug' ? 'text-mute' : 'text-dim';
  return <span className={cx('uppercase', cls)}>{level}</span>;
}
