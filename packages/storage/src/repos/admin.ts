// The audit trail, key/value settings and the simulated exchange's saved state.
import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import { EngineError } from '@mm/core';
import type { StorageContext } from '../context.ts';
import { afterCursor, slice, timeRange, toPage } from '../pagination.ts';
import type { Page, PageQuery, TimeRange } from '../pagination.ts';
import { safeDetails } from '../rows.ts';
import { auditLog, settings, simState } from '../schema.ts';
import { oneOrMany } from './filters.ts';
import { isUuid } from './bots.ts';

// ------------------------------------------------------------------ audit

export interface AuditEntry {
  readonly userId?: string | undefined;
  readonly username?: string | undefined;
  readonly ip?: string | undefined;
  /** What was done: "bot.start", "account.update", "login.failed"... */
  readonly action: string;
  /** What it was done to: a bot id, an account id... */
  readonly target?: string | undefined;
  /** Secret-looking keys are masked before they are stored. */
  readonly details?: Readonly<Record<string, unknown>> | undefined;
  readonly at?: number;
}

export interface StoredAuditEntry {
  readonly id: number;
  readonly userId: string | undefined;
  readonly username: string | undefined;
  readonly ip: string | undefined;
  readonly action: string;
  readonly target: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly at: number;
}

export interface AuditFilter extends TimeRange, PageQuery {
  readonly userId?: string;
  readonly action?: string | readonly string[];
  readonly target?: string;
}

export class AuditRepo {
  constructor(private readonly ctx: StorageContext) {}

  /** Written at once (not batched): an action is not done until its trail is stored. */
  async record(entry: AuditEntry): Promise<number> {
    const [row] = await this.ctx.run('write audit entry', (db) =>
      db
        .insert(auditLog)
        .values({
          userId: entry.userId !== undefined && isUuid(entry.userId) ? entry.userId : null,
          username: entry.username ?? null,
          ip: entry.ip ?? null,
          action: entry.action,
          target: entry.target ?? null,
          details: safeDetails(entry.details),
          // set here, in ms, so the cursor (ms) pages exactly
          at: new Date(entry.at ?? Date.now()),
        })
        .returning({ id: auditLog.id }),
    );
    return row!.id;
  }

  async list(filter: AuditFilter = {}): Promise<Page<StoredAuditEntry>> {
    const where = and(
      filter.userId === undefined ? undefined : eq(auditLog.userId, isUuid(filter.userId) ? filter.userId : '00000000-0000-0000-0000-000000000000'),
      oneOrMany(auditLog.action, filter.action),
      filter.target === undefined ? undefined : eq(auditLog.target, filter.target),
      timeRange(auditLog.at, filter),
    );
    const { limit, offset } = slice(filter);
    const [rows, [total]] = await this.ctx.run('list audit log', (db) =>
      Promise.all([
        db
          .select()
          .from(auditLog)
          .where(and(where, afterCursor(auditLog.at, auditLog.id, filter.cursor)))
          .orderBy(desc(auditLog.at), desc(auditLog.id))
          .limit(limit + 1)
          .offset(offset ?? 0),
        db.select({ n: count() }).from(auditLog).where(where),
      ]),
    );
    return toPage(rows, total?.n ?? 0, filter, (r) => ({
      id: r.id,
      userId: r.userId ?? undefined,
      username: r.username ?? undefined,
      ip: r.ip ?? undefined,
      action: r.action,
      target: r.target ?? undefined,
      details: r.details ?? undefined,
      at: r.at.getTime(),
    }), (r) => [r.at.getTime(), r.id]);
  }
}

// ------------------------------------------------------------------ settings

export class SettingsRepo {
  constructor(private readonly ctx: StorageContext) {}

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const [row] = await this.ctx.run('read setting', (db) => db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)));
    return row === undefined ? undefined : (row.value as T);
  }

  async set(key: string, value: unknown): Promise<void> {
    const json = value === undefined ? null : value;
    await this.ctx.run('write setting', (db) =>
      db
        .insert(settings)
        .values({ key, value: json, updatedAt: new Date() })
        .onConflictDoUpdate({ target: settings.key, set: { value: sql`excluded.value`, updatedAt: sql`excluded.updated_at` } }),
    );
  }

  async list(): Promise<{ key: string; value: unknown; updatedAt: number }[]> {
    const rows = await this.ctx.run('list settings', (db) => db.select().from(settings).orderBy(asc(settings.key)));
    return rows.map((r) => ({ key: r.key, value: r.value, updatedAt: r.updatedAt.getTime() }));
  }

  async delete(key: string): Promise<boolean> {
    const rows = await this.ctx.run('delete setting', (db) => db.delete(settings).where(eq(settings.key, key)).returning({ key: settings.key }));
    return rows.length > 0;
  }
}

// ------------------------------------------------------------------ simulated exchange state

export class SimStateRepo {
  constructor(private readonly ctx: StorageContext) {}

  async get<T = unknown>(key: string): Promise<{ state: T; updatedAt: number } | undefined> {
    const [row] = await this.ctx.run('read simulator state', (db) => db.select().from(simState).where(eq(simState.key, key)));
    return row === undefined ? undefined : { state: row.state as T, updatedAt: row.updatedAt.getTime() };
  }

  /** Replaces the saved state (the simulator exports all of it; BigInts must be strings). */
  async save(key: string, state: unknown, at = Date.now()): Promise<void> {
    try {
      JSON.stringify(state);
    } catch (error) {
      throw new EngineError('INVALID_ARGUMENT', `simulator state "${key}" is not plain JSON (${(error as Error).message}); export BigInts as strings`);
    }
    await this.ctx.run('save simulator state', (db) =>
      db
        .insert(simState)
        .values({ key, state, updatedAt: new Date(at) })
        .onConflictDoUpdate({ target: simState.key, set: { state: sql`excluded.state`, updatedAt: sql`excluded.updated_at` } }),
    );
  }

  async delete(key: string): Promise<boolean> {
    const rows = await this.ctx.run('delete simulator state', (db) => db.delete(simState).where(eq(simState.key, key)).returning({ key: simState.key }));
    return rows.length > 0;
  }
}
