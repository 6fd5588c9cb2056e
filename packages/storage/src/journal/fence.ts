// Epoch fencing of the journal. A runner sets a fence: before a batch is written, the lease rows
// of its bots are read FOR SHARE in the same transaction, and the jobs of a bot this runner no
// longer holds at the epoch it was granted are dropped. FOR SHARE makes a concurrent renewal or
// takeover wait for the commit, so a stale write can never land after a newer epoch committed.
import { asc, inArray } from 'drizzle-orm';
import type { Tx } from '../backend/types.ts';
import { botLeases } from '../schema.ts';
import { isUuid } from '../uuid.ts';

export interface JournalFence {
  /** The epoch this runner holds the bot at; undefined: it does not hold the bot (its writes drop). */
  epochOf(botId: string): number | undefined;
  readonly runnerId: string;
  /** Called once per bot per batch whose writes were dropped (what: e.g. "2 order, 1 fill"). */
  refused(botId: string, what: string): void;
}

/** The bots among `botIds` whose writes must be dropped; locks their lease rows FOR SHARE until the commit. */
export async function fencedBots(tx: Tx, fence: JournalFence, botIds: Iterable<string>): Promise<Set<string>> {
  const refused = new Set<string>();
  const ids: string[] = [];
  for (const id of new Set(botIds)) {
    if (isUuid(id) && fence.epochOf(id) !== undefined) ids.push(id);
    else refused.add(id);
  }
  if (ids.length === 0) return refused;
  // in bot id order, as renewLeases locks them: the two never wait on each other in a cycle
  const rows = await tx
    .select({ botId: botLeases.botId, runnerId: botLeases.runnerId, epoch: botLeases.epoch })
    .from(botLeases)
    .where(inArray(botLeases.botId, ids))
    .orderBy(asc(botLeases.botId))
    .for('share');
  const held = new Set(rows.filter((r) => r.runnerId === fence.runnerId && Number(r.epoch) === fence.epochOf(r.botId)).map((r) => r.botId));
  for (const id of ids) if (!held.has(id)) refused.add(id);
  return refused;
}

/** "2 order, 1 fill": what a refused bot lost in one batch. */
export function describeKinds(kinds: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const k of kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}
