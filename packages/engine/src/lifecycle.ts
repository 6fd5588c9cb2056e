// The bot lifecycle as one transition table:
//   INIT → SYNC_BALANCES → START_QUOTING → RUNNING ⇄ PAUSED
//   any active state → ERROR (transient errors retried with back-off) → SYNC_BALANCES
//   any state → STOPPING (cancel own orders within a deadline) → STOPPED
// STOPPING is the short state in which the bot pulls its orders before it reports STOPPED.
import { EngineError } from '@mm/core';

export type BotState = 'INIT' | 'SYNC_BALANCES' | 'START_QUOTING' | 'RUNNING' | 'PAUSED' | 'ERROR' | 'STOPPING' | 'STOPPED';

export type LifecycleEvent = 'start' | 'synced' | 'quoting' | 'pause' | 'resume' | 'fail' | 'retry' | 'stop' | 'stopped';

export const BOT_TRANSITIONS = {
  INIT: { start: 'SYNC_BALANCES', stop: 'STOPPED' },
  SYNC_BALANCES: { synced: 'START_QUOTING', fail: 'ERROR', stop: 'STOPPING', pause: 'PAUSED' },
  START_QUOTING: { quoting: 'RUNNING', fail: 'ERROR', stop: 'STOPPING', pause: 'PAUSED' },
  RUNNING: { pause: 'PAUSED', fail: 'ERROR', stop: 'STOPPING' },
  PAUSED: { resume: 'RUNNING', fail: 'ERROR', stop: 'STOPPING' },
  ERROR: { retry: 'SYNC_BALANCES', fail: 'ERROR', stop: 'STOPPING' },
  STOPPING: { stopped: 'STOPPED', fail: 'STOPPED' },
  STOPPED: { start: 'SYNC_BALANCES' },
} as const satisfies Record<BotState, Partial<Record<LifecycleEvent, BotState>>>;

export function nextBotState(state: BotState, event: LifecycleEvent): BotState {
  const row: Partial<Record<LifecycleEvent, BotState>> = BOT_TRANSITIONS[state];
  const next = row[event];
  if (next === undefined) {
    throw new EngineError('ILLEGAL_TRANSITION', `a bot in state ${state} cannot ${event}`, { details: { state, event } });
  }
  return next;
}

export function canTransition(state: BotState, event: LifecycleEvent): boolean {
  const row: Partial<Record<LifecycleEvent, BotState>> = BOT_TRANSITIONS[state];
  return row[event] !== undefined;
}

/** States in which the bot holds (or may hold) orders at the venue. */
export function isTradingState(state: BotState): boolean {
  return state === 'START_QUOTING' || state === 'RUNNING';
}
