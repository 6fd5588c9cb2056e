import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOT_TRANSITIONS, canTransition, nextBotState } from './lifecycle.ts';
import type { BotState, LifecycleEvent } from './lifecycle.ts';

const EVENTS: LifecycleEvent[] = ['start', 'synced', 'quoting', 'pause', 'resume', 'fail', 'retry', 'stop', 'stopped'];

test('every legal transition goes where the table says; every other one is refused', () => {
  let legal = 0;
  for (const [state, row] of Object.entries(BOT_TRANSITIONS) as [BotState, Partial<Record<LifecycleEvent, BotState>>][]) {
    for (const event of EVENTS) {
      const target = row[event];
      if (target === undefined) {
        assert.equal(canTransition(state, event), false);
        assert.throws(() => nextBotState(state, event), (e: { code?: string; message?: string }) => e.code === 'ILLEGAL_TRANSITION' && e.message!.includes(state));
      } else {
        assert.equal(nextBotState(state, event), target);
        legal++;
      }
    }
  }
  assert.equal(legal, 22);
});

test('the documented path exists: INIT → SYNC_BALANCES → START_QUOTING → RUNNING ⇄ PAUSED → STOPPING → STOPPED', () => {
  const path: [LifecycleEvent, BotState][] = [['start', 'SYNC_BALANCES'], ['synced', 'START_QUOTING'], ['quoting', 'RUNNING'], ['pause', 'PAUSED'], ['resume', 'RUNNING'], ['fail', 'ERROR'], ['retry', 'SYNC_BALANCES'], ['stop', 'STOPPING'], ['stopped', 'STOPPED'], ['start', 'SYNC_BALANCES']];
  let state: BotState = 'INIT';
  for (const [event, expected] of path) {
    state = nextBotState(state, event);
    assert.equal(state, expected);
  }
});
