// The runner fleet: runner processes, the leases through which they hold bots, operator commands
// for a bot's holder, and each bot's live status. Every lease time is the database's now():
// runners run on many machines whose clocks differ.
//
// Fencing: a claim bumps the lease's epoch; a runner writes with the epoch it was granted and a
// write whose epoch is no longer the lease's is refused (see also journal fencing).
import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import { EngineError } from '@mm/core';
import type { RunnerDto } from '@mm/core';
import type { Executor, Tx } from '../backend/types.ts';
import type { StorageContext } from '../context.ts';
import { botLeases, botLive, runners } from '../schema.ts';
import { isUuid } from '../uuid.ts';

export interface LeaseGrant {
  readonly botId: string;
  readonly epoch: number;
}

/** What a runner's lease cycle decides its claims on (see FleetRepo.fleetCounts). */
export interface FleetCounts {
  readonly bots: number;
  readonly aliveRunners: number;
  readonly unclaimed: number;
  readonly nextExpiryMs?: number;
}

export interface RunnerInfo {
  readonly id: string;
  readonly name: string;
  readonly host: string;
  readonly pid: number;
  readonly version: string;
  /** The runner inside the server process (`npm start`). */
  readonly embedded?: boolean;
}

/** A runner as the dashboard shows it (see RunnerDto). */
export type RunnerRecord = RunnerDto;

export interface LeaseRecord {
  botId: string;
  runnerId?: string;
  epoch: number;
  expiresAt: number;
  claimedAt?: number;
  renewedAt?: number;
  /** expires_at − the database's now() (negative: expired). */
  expiresInMs: number;
}

export type CommandStatus = 'pending' | 'running' | 'done' | 'failed';

export interface CommandError {
  code: string;
  message: string;
  details?: unknown;
}

export interface CommandRecord {
  id: number;
  botId: string;
  action: string;
  options: Record<string, unknown>;
  requestedBy: string;
  createdAt: number;
  status: CommandStatus;
  runnerId?: string;
  epoch?: number;
  result?: unknown;
  error?: CommandError;
  doneAt?: number;
}

export type CommandOutcome = { ok: true; result?: unknown } | { ok: false; error: CommandError };

export interface LiveRecord {
  botId: string;
  runnerId: string;
  epoch: number;
  updatedAt: number;
  status: unknown;
}

export interface RunnerLoad {
  botCount: number;
  rssBytes: number;
  heapBytes: number;
  draining: boolean;
}

/** What the repository needs for NOTIFY / LISTEN (storage.notify / storage.listen). */
export interface Notifier {
  listen(channel: string, onMessage: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
}

export const CHANNEL_COMMAND = 'mm_command';
export const CHANNEL_COMMAND_DONE = 'mm_command_done';
export const CHANNEL_LEASE = 'mm_lease';
export const CHANNEL_BOT_EVENTS = 'mm_bot_events';

const DEFAULT_TTL_MS = 10_000;
const AWAIT_POLL_MS = 250;
/** The advisory lock that serialises claims (any constant the application owns). */
const CLAIM_LOCK = 7_316_017;

/** now() + ms (or − ms), as an interval expression. */
const plusMs = (value: number) => sql`now() + ${value}::int * interval '1 millisecond'`;
const minusMs = (value: number) => sql`now() - ${value}::int * interval '1 millisecond'`;

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0 || value > 2_147_483_647) throw new EngineError('INVALID_ARGUMENT', `${name} must be a positive integer (got ${value})`);
  return value;
}

function checkBotId(id: string): void {
  if (!isUuid(id)) throw new EngineError('INVALID_ARGUMENT', `bot id "${id}" is not a uuid`);
}

/** A raw row's timestamp (both drivers give Date; a string is tolerated). */
function timeOf(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  return value instanceof Date ? value.getTime() : new Date(String(value)).getTime();
}

/** JSON for a jsonb parameter; bigints become strings instead of throwing. */
function json(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** (botId, epoch) pairs as a one-parameter table expression. */
function grantsTable(leases: readonly LeaseGrant[]): SQL {
  for (const l of leases) {
    checkBotId(l.botId);
    if (!Number.isSafeInteger(l.epoch)) throw new EngineError('INVALID_ARGUMENT', `lease epoch of bot ${l.botId} must be an integer`);
  }
  const rows = leases.map((l) => ({ bot_id: l.botId, epoch: l.epoch }));
  return sql`jsonb_to_recordset(${json(rows)}::jsonb) as g(bot_id uuid, epoch bigint)`;
}

type Rows = { rows: Record<string, unknown>[] };
const rowsOf = async (executor: Executor, query: SQL) => ((await executor.execute(query)) as unknown as Rows).rows;

function commandFrom(r: Record<string, unknown>): CommandRecord {
  const record: CommandRecord = {
    id: Number(r.id),
    botId: String(r.bot_id),
    action: String(r.action),
    options: (r.options ?? {}) as Record<string, unknown>,
    requestedBy: String(r.requested_by),
    createdAt: timeOf(r.created_at)!,
    status: r.status as CommandStatus,
  };
  if (r.runner_id !== null && r.runner_id !== undefined) record.runnerId = String(r.runner_id);
  if (r.epoch !== null && r.epoch !== undefined) record.epoch = Number(r.epoch);
  if (r.result !== null && r.result !== undefined) record.result = r.result;
  if (r.error !== null && r.error !== undefined) record.error = r.error as CommandError;
  const doneAt = timeOf(r.done_at);
  if (doneAt !== undefined) record.doneAt = doneAt;
  return record;
}

const isFinished = (c: CommandRecord) => c.status === 'done' || c.status === 'failed';

export class FleetRepo {
  constructor(
    private readonly ctx: StorageContext,
    private readonly notifier: Notifier,
  ) {}

  // ---------------------------------------------------------------- runners

  /** Upsert: a runner starting again under its id starts afresh (heartbeat now, not stopped). */
  async registerRunner(info: RunnerInfo): Promise<void> {
    const values = { id: info.id, name: info.name, host: info.host, pid: info.pid, version: info.version, embedded: info.embedded ?? false };
    await this.ctx.run('register runner', (db) =>
      db
        .insert(runners)
        .values(values)
        .onConflictDoUpdate({
          target: runners.id,
          set: { ...values, startedAt: sql`now()`, heartbeatAt: sql`now()`, stoppedAt: null, draining: false, botCount: 0 },
        }),
    );
  }

  async heartbeat(id: string, load: RunnerLoad): Promise<void> {
    await this.ctx.run('runner heartbeat', (db) =>
      db
        .update(runners)
        .set({ heartbeatAt: sql`now()`, botCount: load.botCount, rssBytes: Math.round(load.rssBytes), heapBytes: Math.round(load.heapBytes), draining: load.draining })
        .where(eq(runners.id, id)),
    );
  }

  async markRunnerStopped(id: string): Promise<void> {
    await this.ctx.run('mark runner stopped', (db) => db.update(runners).set({ stoppedAt: sql`now()`, botCount: 0 }).where(eq(runners.id, id)));
  }

  /**
   * Alive (heartbeat within ttlMs, not stopped) first, then the others by last heartbeat.
   * includeStoppedWithinMs: only runners whose last sign of life (heartbeat or stop) is that recent.
   */
  async listRunners(options: { ttlMs?: number; includeStoppedWithinMs?: number } = {}): Promise<RunnerRecord[]> {
    const ttl = positiveInt('ttlMs', options.ttlMs ?? DEFAULT_TTL_MS);
    const within = options.includeStoppedWithinMs === undefined ? undefined : positiveInt('includeStoppedWithinMs', options.includeStoppedWithinMs);
    const alive = sql<boolean>`(${runners.stoppedAt} is null and ${runners.heartbeatAt} > ${minusMs(ttl)})`;
    const rows = await this.ctx.run('list runners', (db) => {
      const query = db
        .select({ r: runners, alive, ageMs: sql<number>`greatest(0, floor(extract(epoch from now() - ${runners.heartbeatAt}) * 1000))::float8` })
        .from(runners)
        .$dynamic();
      const filtered =
        within === undefined ? query : query.where(sql`(${alive} or greatest(${runners.heartbeatAt}, coalesce(${runners.stoppedAt}, ${runners.heartbeatAt})) > ${minusMs(within)})`);
      return filtered.orderBy(sql`${alive} desc`, sql`${runners.heartbeatAt} desc`, asc(runners.id));
    });
    return rows.map(
      ({ r, alive: isAlive, ageMs }): RunnerRecord => ({
        id: r.id,
        name: r.name,
        host: r.host,
        pid: r.pid,
        version: r.version,
        startedAt: r.startedAt.getTime(),
        heartbeatAt: r.heartbeatAt.getTime(),
        heartbeatAgeMs: Number(ageMs),
        alive: isAlive === true,
        draining: r.draining,
        ...(r.stoppedAt === null ? {} : { stoppedAt: r.stoppedAt.getTime() }),
        botCount: r.botCount,
        rssBytes: Number(r.rssBytes),
        heapBytes: Number(r.heapBytes),
        embedded: r.embedded,
      }),
    );
  }

  /**
   * bots: not archived; aliveRunners: heartbeat within ttlMs, not stopped and not draining (a
   * draining runner's bots are the others' share already); unclaimed: no runner or an expired
   * lease; nextExpiryMs: how soon the first held lease runs out if nobody renews it (undefined
   * when none is held). A holder that renews keeps its leases about a TTL away, so a lease that
   * runs out sooner than a renewal period is one whose holder has stopped renewing.
   */
  async fleetCounts(ttlMs: number): Promise<FleetCounts> {
    const ttl = positiveInt('ttlMs', ttlMs);
    const [row] = await this.ctx.run('count the fleet', (db) =>
      rowsOf(
        db,
        sql`select
          (select count(*)::int from bots where archived_at is null) as bots,
          (select count(*)::int from runners where stopped_at is null and not draining and heartbeat_at > ${minusMs(ttl)}) as alive,
          (select count(*)::int from bots b left join bot_leases l on l.bot_id = b.id
             where b.archived_at is null and (l.bot_id is null or l.runner_id is null or l.expires_at < now())) as unclaimed,
          (select ceil(extract(epoch from min(l.expires_at) - now()) * 1000)::int from bot_leases l join bots b on b.id = l.bot_id
             where b.archived_at is null and l.runner_id is not null and l.expires_at >= now()) as next_expiry_ms`,
      ),
    );
    const next = row?.next_expiry_ms;
    return {
      bots: Number(row?.bots ?? 0),
      aliveRunners: Number(row?.alive ?? 0),
      unclaimed: Number(row?.unclaimed ?? 0),
      ...(next === null || next === undefined ? {} : { nextExpiryMs: Number(next) }),
    };
  }

  // ---------------------------------------------------------------- leases

  /**
   * Claims free bots (no holder, or an expired lease): every free bot that shares an account and
   * symbol with a bot this runner holds, plus up to `max` others, a whole account-and-symbol
   * group at a time where the limit allows. Bots sharing an account and symbol always have one
   * holder: the engine's check that no order crosses a resting order of the same account sees
   * only the bots of its own process. Claims are serialised (one transaction-scoped advisory lock),
   * and rows a journal write holds (FOR SHARE) are skipped, so two runners never get one bot.
   */
  async claimBots(runnerId: string, max: number, ttlMs: number): Promise<LeaseGrant[]> {
    const limit = max <= 0 ? 0 : positiveInt('max', max);
    const ttl = positiveInt('ttlMs', ttlMs);
    const held = (who: SQL) => sql`exists (select 1 from bot_leases l2 join bots b2 on b2.id = l2.bot_id
      where b2.account_id = bots.account_id and b2.symbol = bots.symbol and b2.archived_at is null
        and l2.runner_id is not null and ${who} and l2.expires_at >= now())`;
    const byMe = held(sql`l2.runner_id = ${runnerId}`);
    const byOther = held(sql`l2.runner_id <> ${runnerId}`);
    const claim = (tx: Tx, where: SQL, take: SQL) =>
      rowsOf(
        tx,
        sql`with picked as (
            select bot_leases.bot_id from bot_leases join bots on bots.id = bot_leases.bot_id
            where bots.archived_at is null and (bot_leases.runner_id is null or bot_leases.expires_at < now()) and ${where}
            order by bots.account_id, bots.symbol, bots.created_at, bots.id
            ${take}
            for update of bot_leases skip locked)
          update bot_leases set runner_id = ${runnerId}, epoch = bot_leases.epoch + 1, expires_at = ${plusMs(ttl)}, claimed_at = now(), renewed_at = now()
          from picked where bot_leases.bot_id = picked.bot_id
          returning bot_leases.bot_id, bot_leases.epoch`,
      );
    const rows = await this.ctx.tx('claim bots', async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`);
      // lease rows for new bots; only missing ones, in id order (two claims never cross-wait)
      await tx.execute(sql`insert into bot_leases (bot_id)
        select id from bots where archived_at is null and not exists (select 1 from bot_leases l where l.bot_id = bots.id) order by id
        on conflict do nothing`);
      const siblings = await claim(tx, byMe, sql``);
      const others = limit === 0 ? [] : await claim(tx, sql`not ${byOther}`, sql`limit ${limit}`);
      return [...siblings, ...others];
    });
    return rows.map((r) => ({ botId: String(r.bot_id), epoch: Number(r.epoch) }));
  }

  /** Extends the leases this runner still holds; an expired lease is lost, not revived. Returns the bot ids renewed. */
  async renewLeases(runnerId: string, leases: readonly LeaseGrant[], ttlMs: number): Promise<Set<string>> {
    if (leases.length === 0) return new Set();
    const ttl = positiveInt('ttlMs', ttlMs);
    const rows = await this.ctx.run('renew leases', (db) =>
      rowsOf(
        db,
        // locked in bot id order, as the journal's fence locks them (no deadlock between the two)
        sql`with held as (
            select bot_leases.bot_id from bot_leases join ${grantsTable(leases)} on g.bot_id = bot_leases.bot_id and g.epoch = bot_leases.epoch
            where bot_leases.runner_id = ${runnerId} and bot_leases.expires_at >= now()
            order by bot_leases.bot_id
            for update of bot_leases)
          update bot_leases set expires_at = ${plusMs(ttl)}, renewed_at = now()
          from held where bot_leases.bot_id = held.bot_id
          returning bot_leases.bot_id`,
      ),
    );
    return new Set(rows.map((r) => String(r.bot_id)));
  }

  /** Gives a bot up (if this runner still holds that epoch) and tells the fleet on mm_lease. */
  async releaseLease(runnerId: string, grant: LeaseGrant): Promise<boolean> {
    checkBotId(grant.botId);
    return this.ctx.tx('release lease', async (tx) => {
      const rows = await rowsOf(
        tx,
        sql`update bot_leases set runner_id = null, expires_at = 'epoch'
          where bot_id = ${grant.botId} and runner_id = ${runnerId} and epoch = ${grant.epoch}::bigint returning bot_id`,
      );
      if (rows.length === 0) return false;
      // delivered on commit
      await tx.execute(sql`select pg_notify(${CHANNEL_LEASE}, ${grant.botId})`);
      return true;
    });
  }

  /** Every bot's lease, or only these bots'. */
  async listLeases(botIds?: readonly string[]): Promise<LeaseRecord[]> {
    const ids = botIds?.filter(isUuid);
    if (ids !== undefined && ids.length === 0) return [];
    const rows = await this.ctx.run('list leases', (db) => {
      const query = db
        .select({ l: botLeases, expiresInMs: sql<number>`floor(extract(epoch from ${botLeases.expiresAt} - now()) * 1000)::float8` })
        .from(botLeases)
        .$dynamic();
      return (ids === undefined ? query : query.where(inArray(botLeases.botId, ids))).orderBy(asc(botLeases.botId));
    });
    return rows.map(({ l, expiresInMs }) => {
      const record: LeaseRecord = { botId: l.botId, epoch: Number(l.epoch), expiresAt: l.expiresAt.getTime(), expiresInMs: Number(expiresInMs) };
      if (l.runnerId !== null) record.runnerId = l.runnerId;
      if (l.claimedAt !== null) record.claimedAt = l.claimedAt.getTime();
      if (l.renewedAt !== null) record.renewedAt = l.renewedAt.getTime();
      return record;
    });
  }

  // ---------------------------------------------------------------- commands

  /** Queues a command for the bot's holder and wakes the fleet (NOTIFY mm_command, payload botId). */
  async enqueueCommand(c: { botId: string; action: string; options?: Record<string, unknown>; requestedBy: string }): Promise<number> {
    checkBotId(c.botId);
    // one statement (the insert in a CTE, the NOTIFY sent at its commit): a command's round trips
    // are its latency
    const [row] = await this.ctx.run('enqueue command', (db) =>
      rowsOf(
        db,
        sql`with added as (
            insert into bot_commands (bot_id, action, options, requested_by)
            values (${c.botId}, ${c.action}, ${json(c.options ?? {})}::jsonb, ${c.requestedBy})
            returning id, bot_id)
          select id, pg_notify(${CHANNEL_COMMAND}, bot_id::text) from added`,
      ),
    );
    return Number(row!.id);
  }

  /** Pending commands of the bots this runner still holds at the given epochs, oldest first; they turn 'running'. */
  async takeCommands(runnerId: string, leases: readonly LeaseGrant[]): Promise<CommandRecord[]> {
    if (leases.length === 0) return [];
    const rows = await this.ctx.run('take commands', (db) =>
      rowsOf(
        db,
        sql`with picked as (
            select c.id, g.epoch from bot_commands c
            join ${grantsTable(leases)} on g.bot_id = c.bot_id
            join bot_leases l on l.bot_id = c.bot_id and l.epoch = g.epoch and l.runner_id = ${runnerId} and l.expires_at >= now()
            where c.status = 'pending'
            order by c.id
            for update of c skip locked)
          update bot_commands set status = 'running', runner_id = ${runnerId}, epoch = picked.epoch
          from picked where bot_commands.id = picked.id
          returning bot_commands.*`,
      ),
    );
    return rows.map(commandFrom).sort((a, b) => a.id - b.id);
  }

  /** Records the outcome (the first one wins) and NOTIFYs mm_command_done with the id. */
  async completeCommand(id: number, outcome: CommandOutcome): Promise<void> {
    // one statement: a data-modifying CTE runs whether or not the NOTIFY reads it
    await this.ctx.run('complete command', (db) =>
      db.execute(sql`with finished as (
          update bot_commands set
            status = ${outcome.ok ? 'done' : 'failed'},
            result = ${outcome.ok ? json(outcome.result) : null}::jsonb,
            error = ${outcome.ok ? null : json(outcome.error)}::jsonb,
            done_at = now()
          where id = ${id}::bigint and status in ('pending', 'running'))
        select pg_notify(${CHANNEL_COMMAND_DONE}, ${String(id)})`),
    );
  }

  async getCommand(id: number): Promise<CommandRecord | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    const [row] = await this.ctx.run('read command', (db) => rowsOf(db, sql`select * from bot_commands where id = ${id}::bigint`));
    return row === undefined ? undefined : commandFrom(row);
  }

  /**
   * Resolves once the command is done or failed: woken by mm_command_done (one LISTEN for every
   * waiter of this storage, kept open), with a 250 ms poll as the safety net for a lost
   * notification. After timeoutMs, the record as it is then; NOT_FOUND for no such command.
   */
  async awaitCommand(id: number, timeoutMs: number): Promise<CommandRecord> {
    const listenerWasReady = this.doneListenerReady;
    await this.listenForDone().catch(() => undefined); // no LISTEN (database away): the poll still answers
    return new Promise<CommandRecord>((resolve, reject) => {
      let settled = false;
      let last: CommandRecord | undefined;
      // reads run one after another; a wake-up during a read queues one more
      let reads: Promise<void> = Promise.resolve();
      const finish = (record: CommandRecord | undefined | EngineError) => {
        if (settled) return;
        settled = true;
        clearInterval(poll);
        clearTimeout(timer);
        const waiters = this.doneWaiters.get(id);
        waiters?.delete(check);
        if (waiters?.size === 0) this.doneWaiters.delete(id);
        if (record instanceof EngineError) reject(record);
        else if (record === undefined) reject(new EngineError('NOT_FOUND', `command ${id} does not exist`));
        else resolve(record);
      };
      const check = () => {
        reads = reads.then(async () => {
          if (settled) return;
          let record: CommandRecord | undefined;
          try {
            record = await this.getCommand(id);
          } catch {
            return; // a failed read: the poll tries again
          }
          if (record === undefined) finish(undefined);
          else if (isFinished(record)) finish(record);
          else last = record;
        });
      };
      const waiters = this.doneWaiters.get(id) ?? new Set<() => void>();
      waiters.add(check);
      this.doneWaiters.set(id, waiters);
      const poll = setInterval(check, AWAIT_POLL_MS);
      const timer = setTimeout(() => {
        // not chained: a read stuck on an unreachable database must not hold the timeout
        this.getCommand(id).then(
          (record) => finish(record),
          () => finish(last ?? new EngineError('STORAGE_UNAVAILABLE', `command ${id} could not be read`)),
        );
      }, Math.max(0, timeoutMs));
      // a notification sent before the LISTEN took effect is not seen: read once. With the LISTEN
      // already open, a command enqueued just now cannot have been announced yet
      if (!listenerWasReady) check();
    });
  }

  private readonly doneWaiters = new Map<number, Set<() => void>>();
  private doneListening: Promise<unknown> | undefined;
  /** The LISTEN on mm_command_done is in effect (not merely asked for). */
  private doneListenerReady = false;

  private listenForDone(): Promise<unknown> {
    this.doneListening ??= this.notifier
      .listen(
        CHANNEL_COMMAND_DONE,
        (payload) => {
          for (const wake of this.doneWaiters.get(Number(payload)) ?? []) wake();
        },
        () => {
          for (const waiters of this.doneWaiters.values()) for (const wake of waiters) wake();
        },
      )
      .then(
        () => {
          this.doneListenerReady = true;
        },
        (error: unknown) => {
          this.doneListening = undefined; // the next waiter tries again
          throw error;
        },
      );
    return this.doneListening;
  }

  // ---------------------------------------------------------------- live status

  /**
   * Writes the bot's live status only while this runner holds the lease at that epoch (checked in
   * the same statement, FOR SHARE so a concurrent claim waits or is seen). false = fenced.
   */
  async writeLive(runnerId: string, grant: LeaseGrant, status: unknown): Promise<boolean> {
    checkBotId(grant.botId);
    const rows = await this.ctx.run('write live status', (db) =>
      rowsOf(
        db,
        sql`with holder as (
            select bot_id, runner_id, epoch from bot_leases
            where bot_id = ${grant.botId} and runner_id = ${runnerId} and epoch = ${grant.epoch}::bigint
            for share)
          insert into bot_live (bot_id, runner_id, epoch, updated_at, status)
          select bot_id, runner_id, epoch, now(), ${json(status)}::jsonb from holder
          on conflict (bot_id) do update set runner_id = excluded.runner_id, epoch = excluded.epoch, updated_at = excluded.updated_at, status = excluded.status
            where bot_live.epoch <= excluded.epoch
          returning bot_id`,
      ),
    );
    return rows.length > 0;
  }

  async readLive(botIds?: readonly string[]): Promise<Map<string, LiveRecord>> {
    if (botIds !== undefined && botIds.length === 0) return new Map();
    const ids = botIds?.filter(isUuid);
    if (ids !== undefined && ids.length === 0) return new Map();
    const rows = await this.ctx.run('read live status', (db) => {
      const query = db.select().from(botLive).$dynamic();
      return ids === undefined ? query : query.where(inArray(botLive.botId, ids));
    });
    return new Map(rows.map((r) => [r.botId, { botId: r.botId, runnerId: r.runnerId, epoch: Number(r.epoch), updatedAt: r.updatedAt.getTime(), status: r.status }]));
  }

  async dropLive(botId: string): Promise<void> {
    if (!isUuid(botId)) return;
    await this.ctx.run('drop live status', (db) => db.delete(botLive).where(eq(botLive.botId, botId)));
  }
}
