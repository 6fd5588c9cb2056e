// The BotJournal port lives in @mm/core; storage may not import @mm/engine, so it restates the
// engine's event bus (BotEventSource). This test (the one place allowed to look at the engine)
// fails to compile — `npm run check` — when storage and the engine drift apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventBus } from '@mm/core';
import type { BotEvents, BotJournal, BotRestoreState } from '@mm/engine';
import type { RiskTrip } from '@mm/risk';
import type { HaltTrip } from '../repos/bots.ts';
import type { StorageJournal } from './journal.ts';
import type { BotEventSource } from './types.ts';

type Assert<T extends true> = T;
type StorageRestoreState = Awaited<ReturnType<StorageJournal['loadState']>>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export type JournalIsBotJournal = Assert<StorageJournal extends BotJournal ? true : false>;
export type RestoreStatesMatch = Assert<Same<StorageRestoreState, BotRestoreState>>;
export type HaltIsRiskTrip = Assert<Same<HaltTrip, RiskTrip>>;
export type BusIsSource = Assert<EventBus<BotEvents> extends BotEventSource ? true : false>;

test('the storage journal satisfies the engine port (checked by the compiler)', () => {
  const checks: [JournalIsBotJournal, RestoreStatesMatch, HaltIsRiskTrip, BusIsSource] = [true, true, true, true];
  assert.deepEqual(checks, [true, true, true, true]);
});
