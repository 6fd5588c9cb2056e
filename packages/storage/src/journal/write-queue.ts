// The batched write path. Writes wait in memory and go out together, in one transaction, every
// ~50 ms or as soon as a batch is full, so a burst of fills costs a few statements instead of
// thousands and never holds the event loop for long.
//
// When the database is unreachable the batch stays at the head of the queue and is retried with
// back-off; nothing is dropped while the process lives. When a row itself is bad (a constraint
// the retry cannot fix), the batch is replayed one job at a time so only that row is refused.
import { EngineError } from '@mm/core';
import type { StorageContext } from '../context.ts';
import { isUnavailable, rootMessage, toStorageError, unavailableError } from '../errors.ts';
import { unknownBot } from './directory.ts';
import type { BotDirectory } from './directory.ts';
import { describeKinds, fencedBots } from './fence.ts';
import type { JournalFence } from './fence.ts';
import { writeJobs } from './jobs.ts';
import type { Job } from './jobs.ts';

export interface WriteQueueOptions {
  /** How long a write may wait for companions (default 50 ms). */
  readonly flushMs?: number;
  /** Jobs per transaction (default 100: PGlite runs each statement on the main thread). */
  readonly maxBatch?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Events and stats beyond these counts are dropped (counted and logged) during a long outage. */
  readonly maxQueuedEvents?: number;
  readonly maxQueuedStats?: number;
}

type Outcome = 'written' | 'unavailable';

interface Committed {
  /** Keys of the fills that were new. */
  readonly fresh: Set<string>;
  /** Bots whose jobs the fence dropped. */
  readonly fenced: Set<string>;
}

export class WriteQueue {
  private jobs: Job[] = [];
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private retryDelay: number;
  private queuedEvents = 0;
  private queuedStats = 0;
  private droppedEvents = 0;
  private droppedStats = 0;
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly maxQueuedEvents: number;
  private readonly maxQueuedStats: number;
  /** Transactions committed; tests read it to see that a burst went out in batches. */
  batchesWritten = 0;
  /** Set by StorageJournal.setFence: jobs of bots this runner no longer holds are dropped. */
  fence: JournalFence | undefined;

  constructor(
    private readonly ctx: StorageContext,
    readonly directory: BotDirectory,
    options: WriteQueueOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 50;
    this.maxBatch = options.maxBatch ?? 100;
    this.retryBaseMs = options.retryBaseMs ?? 100;
    this.retryMaxMs = options.retryMaxMs ?? 5_000;
    this.maxQueuedEvents = options.maxQueuedEvents ?? 50_000;
    this.maxQueuedStats = options.maxQueuedStats ?? 20_000;
    this.retryDelay = this.retryBaseMs;
  }

  get size(): number {
    return this.jobs.length;
  }

  get waitingForDatabase(): boolean {
    return this.retryTimer !== undefined;
  }

  push(job: Job): void {
    if (job.kind === 'event') {
      if (this.queuedEvents >= this.maxQueuedEvents) {
        this.droppedEvents++;
        return;
      }
      this.queuedEvents++;
    } else if (job.kind === 'stats') {
      if (this.queuedStats >= this.maxQueuedStats) {
        this.droppedStats++;
        return;
      }
      this.queuedStats++;
    }
    this.jobs.push(job);
    if (this.retryTimer !== undefined || this.running !== undefined) return; // the running drain or the retry picks it up
    if (this.jobs.length >= this.maxBatch) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.flushMs);
  }

  /** Starts writing now (no-op while a write runs; it loops until the queue is empty). */
  kick(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running !== undefined) return;
    this.running = this.drain()
      .catch((error: unknown) => this.ctx.logger.error({ reason: rootMessage(error) }, 'the write queue failed unexpectedly; it retries on the next write'))
      .finally(() => {
        this.running = undefined;
        // a job pushed while the last batch committed would otherwise wait for the next push
        if (this.jobs.length > 0 && this.retryTimer === undefined) this.timer ??= setTimeout(() => this.kick(), this.flushMs);
      });
  }

  /** The database is back: retry at once instead of waiting out the back-off. */
  resume(): void {
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.retryDelay = this.retryBaseMs;
    if (this.jobs.length > 0) this.kick();
  }

  /**
   * Writes everything queued so far. Rejects with STORAGE_UNAVAILABLE if the database cannot be
   * reached (the jobs stay queued).
   */
  async flush(): Promise<void> {
    let attempted = false;
    for (;;) {
      if (this.running !== undefined) {
        await this.running;
        attempted = true;
        continue;
      }
      if (this.jobs.length === 0) return;
      if (attempted && this.retryTimer !== undefined) {
        throw unavailableError(`${this.jobs.length} write(s) waiting for the database`, this.ctx.health.lastError);
      }
      // one immediate attempt even during back-off
      if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.kick();
    }
  }

  /** Rejects every fill caller still waiting (their jobs stay queued). */
  private rejectWaiters(error: EngineError): void {
    for (const job of this.jobs) {
      if (job.kind === 'fill' && job.waiter !== undefined && !job.waiter.settled) {
        job.waiter.settled = true;
        job.waiter.reject(error);
      }
    }
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.timer = undefined;
    this.retryTimer = undefined;
  }

  private async drain(): Promise<void> {
    this.reportDropped();
    while (this.jobs.length > 0) {
      const batch = this.jobs.slice(0, this.maxBatch);
      const outcome = await this.writeBatch(batch);
      if (outcome === 'unavailable') return;
      // let timers and I/O run between two batches of a burst
      if (this.jobs.length > 0) await new Promise<void>((r) => setImmediate(r));
    }
  }

  private async writeBatch(batch: Job[]): Promise<Outcome> {
    try {
      const venues = await this.venuesFor(batch);
      const { fresh, fenced } = await this.commit(batch, venues);
      this.ctx.health.succeeded();
      this.batchesWritten++;
      this.retryDelay = this.retryBaseMs;
      this.jobs.splice(0, batch.length);
      for (const job of batch) this.settleOrFence(job, fresh, fenced);
      this.reportFenced(batch, fenced);
      return 'written';
    } catch (error) {
      if (isUnavailable(error)) return this.unavailable(error);
      return this.isolate(batch, error);
    }
  }

  /** Replays a failed batch job by job, refusing only the jobs that fail on their own. */
  private async isolate(batch: Job[], batchError: unknown): Promise<Outcome> {
    this.ctx.logger.warn({ jobs: batch.length, reason: rootMessage(batchError) }, 'a queued batch failed; writing its jobs one by one to find the bad one');
    const fencedAll = new Set<string>();
    const done: Job[] = [];
    try {
      for (const job of batch) {
        try {
          const venues = await this.venuesFor([job]);
          const { fresh, fenced } = await this.commit([job], venues);
          this.ctx.health.succeeded();
          this.batchesWritten++;
          this.jobs.shift();
          done.push(job);
          this.settleOrFence(job, fresh, fenced);
          for (const id of fenced) fencedAll.add(id);
        } catch (error) {
          if (isUnavailable(error)) return this.unavailable(error);
          this.jobs.shift();
          this.refuse(job, error);
        }
      }
      return 'written';
    } finally {
      this.reportFenced(done, fencedAll);
    }
  }

  /** One transaction: the fence check first (lease rows FOR SHARE), then the jobs it lets through. */
  private commit(jobs: readonly Job[], venues: ReadonlyMap<string, string>): Promise<Committed> {
    const fence = this.fence;
    return this.ctx.db.transaction(async (tx) => {
      const botIds = jobs.flatMap((j) => (j.botId === undefined ? [] : [j.botId]));
      const fenced = fence === undefined || botIds.length === 0 ? new Set<string>() : await fencedBots(tx, fence, botIds);
      const allowed = jobs.filter((j) => (j.botId === undefined || !fenced.has(j.botId)) && (j.kind !== 'order' || venues.has(j.botId)));
      return { fresh: await writeJobs(tx, allowed, venues), fenced };
    });
  }

  private settleOrFence(job: Job, fresh: Set<string>, fenced: ReadonlySet<string>): void {
    if (job.botId === undefined || !fenced.has(job.botId)) return this.settle(job, fresh);
    if (job.kind === 'event') this.queuedEvents--;
    else if (job.kind === 'stats') this.queuedStats--;
    else if (job.kind === 'fill' && job.waiter !== undefined && !job.waiter.settled) {
      job.waiter.settled = true;
      job.waiter.reject(
        new EngineError('LEASE_LOST', `fill ${job.row.tradeId} of bot ${job.botId} was not recorded: runner ${this.fence?.runnerId ?? '?'} no longer holds the bot at its epoch`, {
          details: { botId: job.botId, tradeId: job.row.tradeId },
        }),
      );
    }
  }

  /** Once per fenced bot: a warning and the fence's refused(). */
  private reportFenced(batch: readonly Job[], fenced: ReadonlySet<string>): void {
    const fence = this.fence;
    for (const botId of fenced) {
      const what = describeKinds(batch.filter((j) => j.botId === botId).map((j) => j.kind));
      this.ctx.logger.warn(
        { botId, runnerId: fence?.runnerId, epoch: fence?.epochOf(botId), what },
        'writes of a bot this runner no longer holds (lease lost or taken over) were dropped',
      );
      try {
        fence?.refused(botId, what);
      } catch (error) {
        this.ctx.logger.error({ botId, reason: rootMessage(error) }, 'the fence refused() callback threw');
      }
    }
  }

  /** Venues of the batch's order jobs; orders of unknown bots are refused here. */
  private async venuesFor(batch: Job[]): Promise<Map<string, string>> {
    const ids = new Set(batch.filter((j) => j.kind === 'order').map((j) => j.botId));
    const venues = new Map<string, string>();
    if (ids.size === 0) return venues;
    const missing = await this.directory.load(this.ctx.db, ids);
    for (const id of ids) {
      const venue = this.directory.known(id);
      if (venue !== undefined) venues.set(id, venue);
    }
    for (const id of missing) {
      for (const job of batch) if (job.kind === 'order' && job.botId === id) this.logRefused(job, unknownBot(id));
    }
    return venues;
  }

  private unavailable(error: unknown): Outcome {
    const e = toStorageError('queued write', error);
    this.ctx.health.failed(e);
    this.rejectWaiters(unavailableError('the fill is queued and will be written when the database returns', error));
    if (this.retryTimer === undefined) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.kick();
      }, this.retryDelay);
      // close() flushes explicitly; a pending retry alone must not keep the process alive
      this.retryTimer.unref();
      this.retryDelay = Math.min(this.retryMaxMs, this.retryDelay * 2);
    }
    return 'unavailable';
  }

  /** `fresh` holds the keys of new fills; the first job of a key takes it, so a repeat in one batch is not new. */
  private settle(job: Job, fresh: Set<string>): void {
    if (job.kind === 'event') this.queuedEvents--;
    else if (job.kind === 'stats') this.queuedStats--;
    else if (job.kind === 'fill') {
      const isNew = fresh.delete(job.key);
      if (job.waiter !== undefined && !job.waiter.settled) {
        job.waiter.settled = true;
        job.waiter.resolve(isNew);
      }
    }
  }

  private refuse(job: Job, error: unknown): void {
    if (job.kind === 'event') this.queuedEvents--;
    else if (job.kind === 'stats') this.queuedStats--;
    const e = toStorageError(`write ${job.kind}`, error);
    this.logRefused(job, e);
    if (job.kind === 'fill' && job.waiter !== undefined && !job.waiter.settled) {
      job.waiter.settled = true;
      job.waiter.reject(e);
    }
  }

  private logRefused(job: Job, error: EngineError): void {
    const what =
      job.kind === 'order' ? { clientOrderId: job.row.clientOrderId } : job.kind === 'fill' ? { tradeId: job.row.tradeId, symbol: job.row.symbol } : {};
    this.ctx.logger.error({ kind: job.kind, botId: job.botId, ...what, code: error.code, reason: error.message }, 'a write was refused by the database and dropped');
  }

  private reportDropped(): void {
    if (this.droppedEvents === 0 && this.droppedStats === 0) return;
    this.ctx.logger.error(
      { droppedEvents: this.droppedEvents, droppedStats: this.droppedStats },
      'the database was away long enough for the write queue to fill: some log events and stats samples were dropped (orders and fills never are)',
    );
    this.droppedEvents = 0;
    this.droppedStats = 0;
  }
}
