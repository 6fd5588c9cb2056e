// Time series and logs the dashboard reads: hourly volume, stats snapshots, the event log and
// risk events. The journal writes them in batches; the direct inserts here are for the server's
// own events (start-up, logins, storage health).
import { and, asc, count, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { EngineError, fx } from '@mm/core';
import type { StorageContext } from '../context.ts';
import { dec, decOrUndefined } from '../decimal.ts';
import { afterCursor, slice, timeRange, toPage } from '../pagination.ts';
import type { Page, PageQuery, TimeRange } from '../pagination.ts';
import { EVENT_LEVELS, eventRow, riskRow } from '../rows.ts';
import type { EventInput, EventLevel, RiskEventInput } from '../rows.ts';
import { botStats, events, hourlyVolume, riskEvents } from '../schema.ts';
import { botIs, oneOrMany } from './filters.ts';

// ------------------------------------------------------------------ hourly volume

export interface HourlyVolume {
  readonly botId: string;
  readonly hourStart: number;
  readonly maker: string;
  readonly taker: string;
  readonly total: string;
  readonly volumeLeg: string;
  readonly fills: number;
}

export class HourlyVolumeRepo {
  constructor(private readonly ctx: StorageContext) {}

  /** Oldest hour first (chart order). */
  async list(filter: TimeRange & { botId?: string } = {}): Promise<HourlyVolume[]> {
    const rows = await this.ctx.run('list hourly volume', (db) =>
      db
        .select()
        .from(hourlyVolume)
        .where(and(botIs(hourlyVolume.botId, filter.botId), timeRange(hourlyVolume.hourStart, filter)))
        .orderBy(asc(hourlyVolume.hourStart), asc(hourlyVolume.botId))
        .limit(24 * 400),
    );
    return rows.map((r) => ({
      botId: r.botId,
      hourStart: r.hourStart.getTime(),
      maker: dec(r.maker),
      taker: dec(r.taker),
      total: fx.format(fx.parse(r.maker) + fx.parse(r.taker)),
      volumeLeg: dec(r.volumeLeg),
      fills: r.fills,
    }));
  }
}

// ------------------------------------------------------------------ stats snapshots

export interface StatsPoint {
  readonly botId: string;
  readonly at: number;
  readonly state: string | undefined;
  readonly tradingState: string | undefined;
  readonly equity: string | undefined;
  readonly base: string | undefined;
  readonly quote: string | undefined;
  readonly reference: string | undefined;
  readonly pnlNet: string | undefined;
  readonly pnlRealized: string | undefined;
  readonly pnlUnrealized: string | undefined;
  readonly pnlToday: string | undefined;
  readonly fees: string | undefined;
  readonly volumeTotal: string | undefined;
  readonly openOrders: number | undefined;
}

function toStatsPoint(r: typeof botStats.$inferSelect): StatsPoint {
  return {
    botId: r.botId,
    at: r.at.getTime(),
    state: r.state ?? undefined,
    tradingState: r.tradingState ?? undefined,
    equity: decOrUndefined(r.equity),
    base: decOrUndefined(r.base),
    quote: decOrUndefined(r.quote),
    reference: decOrUndefined(r.reference),
    pnlNet: decOrUndefined(r.pnlNet),
    pnlRealized: decOrUndefined(r.pnlRealized),
    pnlUnrealized: decOrUndefined(r.pnlUnrealized),
    pnlToday: decOrUndefined(r.pnlToday),
    fees: decOrUndefined(r.fees),
    volumeTotal: decOrUndefined(r.volumeTotal),
    openOrders: r.openOrders ?? undefined,
  };
}

export class StatsRepo {
  constructor(private readonly ctx: StorageContext) {}

  /** Oldest first, for charts; at most `limit` points (default 2,000, max 20,000). */
  async list(filter: TimeRange & { botId: string; limit?: number }): Promise<StatsPoint[]> {
    const limit = filter.limit ?? 2_000;
    if (!Number.isInteger(limit) || limit < 1 || limit > 20_000) throw new EngineError('INVALID_ARGUMENT', 'limit must be a whole number from 1 to 20000');
    // the newest `limit` points of the range, returned oldest first
    const rows = await this.ctx.run('list stats', (db) =>
      db
        .select()
        .from(botStats)
        .where(and(botIs(botStats.botId, filter.botId), timeRange(botStats.at, filter)))
        .orderBy(desc(botStats.at), desc(botStats.id))
        .limit(limit),
    );
    return rows.reverse().map(toStatsPoint);
  }

  async latest(botId: string): Promise<StatsPoint | undefined> {
    const [row] = await this.ctx.run('read stats', (db) =>
      db.select().from(botStats).where(botIs(botStats.botId, botId)).orderBy(desc(botStats.at), desc(botStats.id)).limit(1),
    );
    return row === undefined ? undefined : toStatsPoint(row);
  }

  /** Deletes snapshots older than `before` (retention). */
  async prune(before: number): Promise<number> {
    const rows = await this.ctx.run('prune stats', (db) => db.delete(botStats).where(lt(botStats.at, new Date(before))).returning({ id: botStats.id }));
    return rows.length;
  }
}

// ------------------------------------------------------------------ events

export interface StoredEvent {
  readonly id: number;
  readonly botId: string | undefined;
  readonly level: EventLevel;
  readonly kind: string;
  readonly message: string;
  readonly details: Record<string, unknown> | undefined;
  readonly at: number;
}

export interface EventFilter extends TimeRange, PageQuery {
  readonly botId?: string;
  readonly level?: EventLevel | readonly EventLevel[];
  /** This level and above (e.g. 'warn' gives warn and error). */
  readonly minLevel?: EventLevel;
  readonly kind?: string | readonly string[];
  /** Words to find in kind and message; each word matches as a prefix ("rej" finds "rejected"). */
  readonly text?: string;
}

/** "post only rej" → 'post:* & only:* & rej:*' with everything but letters and digits dropped. */
export function textQuery(text: string): string | undefined {
  const words = text
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 8);
  return words.length === 0 ? undefined : words.map((w) => `${w}:*`).join(' & ');
}

function toStoredEvent(r: typeof events.$inferSelect): StoredEvent {
  return { id: r.id, botId: r.botId ?? undefined, level: r.level as EventLevel, kind: r.kind, message: r.message, details: r.details ?? undefined, at: r.at.getTime() };
}

export class EventsRepo {
  constructor(private readonly ctx: StorageContext) {}

  /** Writes one event now (the journal batches the bots' own events). */
  async add(event: EventInput): Promise<number> {
    if (!EVENT_LEVELS.includes(event.level)) throw new EngineError('INVALID_ARGUMENT', `level must be one of ${EVENT_LEVELS.join(', ')}`);
    const [row] = await this.ctx.run('write event', (db) => db.insert(events).values(eventRow(event)).returning({ id: events.id }));
    return row!.id;
  }

  async list(filter: EventFilter = {}): Promise<Page<StoredEvent>> {
    const minIndex = filter.minLevel === undefined ? -1 : EVENT_LEVELS.indexOf(filter.minLevel);
    const query = filter.text === undefined ? undefined : textQuery(filter.text);
    const where = and(
      botIs(events.botId, filter.botId),
      oneOrMany(events.level, filter.level),
      minIndex <= 0 ? undefined : oneOrMany(events.level, EVENT_LEVELS.slice(minIndex)),
      oneOrMany(events.kind, filter.kind),
      // the same expression as the GIN index events_text_idx, so the index serves it
      query === undefined ? undefined : sql`to_tsvector('simple', ${events.kind} || ' ' || ${events.message}) @@ to_tsquery('simple', ${query})`,
      timeRange(events.at, filter),
    );
    const { limit, offset } = slice(filter);
    const [rows, [total]] = await this.ctx.run('list events', (db) =>
      Promise.all([
        db
          .select()
          .from(events)
          .where(and(where, afterCursor(events.at, events.id, filter.cursor)))
          .orderBy(desc(events.at), desc(events.id))
          .limit(limit + 1)
          .offset(offset ?? 0),
        db.select({ n: count() }).from(events).where(where),
      ]),
    );
    return toPage(rows, total?.n ?? 0, filter, toStoredEvent, (r) => [r.at.getTime(), r.id]);
  }

  async prune(before: number): Promise<number> {
    const rows = await this.ctx.run('prune events', (db) => db.delete(events).where(lt(events.at, new Date(before))).returning({ id: events.id }));
    return rows.length;
  }
}

// ------------------------------------------------------------------ risk events

export interface StoredRiskEvent {
  readonly id: number;
  readonly botId: string;
  readonly type: 'trip' | 'clear' | 'denial';
  readonly rule: string;
  readonly value: string | undefined;
  readonly limit: string | undefined;
  readonly action: string | undefined;
  readonly message: string;
  readonly at: number;
}

export interface RiskEventFilter extends TimeRange, PageQuery {
  readonly botId?: string;
  readonly type?: StoredRiskEvent['type'] | readonly StoredRiskEvent['type'][];
  readonly rule?: string;
}

export class RiskEventsRepo {
  constructor(private readonly ctx: StorageContext) {}

  async add(event: RiskEventInput): Promise<number> {
    const [row] = await this.ctx.run('write risk event', (db) => db.insert(riskEvents).values(riskRow(event)).returning({ id: riskEvents.id }));
    return row!.id;
  }

  async list(filter: RiskEventFilter = {}): Promise<Page<StoredRiskEvent>> {
    const where = and(
      botIs(riskEvents.botId, filter.botId),
      oneOrMany(riskEvents.type, filter.type),
      filter.rule === undefined ? undefined : eq(riskEvents.rule, filter.rule),
      timeRange(riskEvents.at, filter),
    );
    const { limit, offset } = slice(filter);
    const [rows, [total]] = await this.ctx.run('list risk events', (db) =>
      Promise.all([
        db
          .select()
          .from(riskEvents)
          .where(and(where, afterCursor(riskEvents.at, riskEvents.id, filter.cursor)))
          .orderBy(desc(riskEvents.at), desc(riskEvents.id))
          .limit(limit + 1)
          .offset(offset ?? 0),
        db.select({ n: count() }).from(riskEvents).where(where),
      ]),
    );
    return toPage(rows, total?.n ?? 0, filter, (r) => ({
      id: r.id,
      botId: r.botId,
      type: r.type as StoredRiskEvent['type'],
      rule: r.rule,
      value: r.value ?? undefined,
      limit: r.limit ?? undefined,
      action: r.action ?? undefined,
      message: r.message,
      at: r.at.getTime(),
    }), (r) => [r.at.getTime(), r.id]);
  }

  /** Trips since a time, e.g. to show what halted a bot today. */
  async tripsSince(botId: string, since: number): Promise<number> {
    const [row] = await this.ctx.run('count risk trips', (db) =>
      db.select({ n: count() }).from(riskEvents).where(and(botIs(riskEvents.botId, botId), eq(riskEvents.type, 'trip'), gte(riskEvents.at, new Date(since)))),
    );
    return row?.n ?? 0;
  }
}
