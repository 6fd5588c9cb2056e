// Which venue each bot trades on (orders rows carry it; the engine's journal calls do not).
// Looked up once per bot from bots → venue_accounts and cached; a bot's account cannot change
// while it runs; the repositories drop entries when a bot's account or an account's venue changes.
import { eq, inArray } from 'drizzle-orm';
import { EngineError } from '@mm/core';
import type { Executor } from '../backend/types.ts';
import { isUuid } from '../uuid.ts';
import { bots, venueAccounts } from '../schema.ts';

export class BotDirectory {
  private readonly venues = new Map<string, string>();

  known(botId: string): string | undefined {
    return this.venues.get(botId);
  }

  /** Loads the venues of the given bots; returns the ids that do not exist. */
  async load(db: Executor, botIds: Iterable<string>): Promise<Set<string>> {
    const wanted = [...new Set(botIds)].filter((id) => !this.venues.has(id));
    const missing = new Set(wanted.filter((id) => !isUuid(id)));
    const ids = wanted.filter((id) => isUuid(id));
    if (ids.length === 0) return missing;
    const rows = await db
      .select({ id: bots.id, venue: venueAccounts.venue })
      .from(bots)
      .innerJoin(venueAccounts, eq(venueAccounts.id, bots.accountId))
      .where(inArray(bots.id, ids));
    for (const row of rows) this.venues.set(row.id, row.venue);
    for (const id of ids) if (!this.venues.has(id)) missing.add(id);
    return missing;
  }

  async venueOf(db: Executor, botId: string): Promise<string> {
    const cached = this.venues.get(botId);
    if (cached !== undefined) return cached;
    await this.load(db, [botId]);
    const venue = this.venues.get(botId);
    if (venue === undefined) throw unknownBot(botId);
    return venue;
  }

  forget(botId: string): void {
    this.venues.delete(botId);
  }

  clear(): void {
    this.venues.clear();
  }
}

export function unknownBot(botId: string): EngineError {
  return new EngineError('NOT_FOUND', `bot ${botId} is not in the database: create it with storage.bots.create() before starting it`, { details: { botId } });
}
