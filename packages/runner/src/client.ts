// The control plane's side of the fleet: what the API server knows about bots that runners hold.
// Bot events arrive on NOTIFY and are re-published on one bus (the dashboard stream, alerts,
// paper feeds listen to it as they listened to the in-process engine); each bot's last live
// status is read from the database; commands go to the bot's holder through the command table.
import { ERROR_CODES, EngineError, EventBus } from '@mm/core';
import type { BotLeaseDto, ErrorCode, RunnerDto } from '@mm/core';
import type { BotEvents } from '@mm/engine';
import type { LeaseRecord, LiveRecord, RunnerRecord, Storage } from '@mm/storage';
import { CHANNELS, changesStatus, decodeBotEvent } from './channels.ts';
import type { CommandOptions, RunnerCommand } from './commands.ts';
import { LiveBotView } from './live-status.ts';
import type { BotLiveStatus } from './live-status.ts';
import { revive } from './wire.ts';

export interface FleetClientOptions {
  readonly ttlMs: number;
  /** How often leases, runners and live statuses are re-read (default 500 ms). */
  readonly refreshMs?: number;
  /** How long a command may take before the API answers TIMEOUT (default 20 s: a stop waits for its cancels). */
  readonly commandTimeoutMs?: number;
  readonly logger?: { warn(details: object, message: string): void };
}

/** Bots as the control plane reads them: the live ones are those a runner holds now. */
export interface FleetView {
  readonly events: Pick<EventBus<BotEvents>, 'on' | 'emit'>;
  has(botId: string): boolean;
  get(botId: string): LiveBotView;
  list(): LiveBotView[];
}

export class FleetClient implements FleetView {
  readonly events = new EventBus<BotEvents>();
  private views = new Map<string, LiveBotView>();
  /** Each bot's lease and when it was read (its expiry counts from then). */
  private leases = new Map<string, { readonly lease: LeaseRecord; readonly readAt: number }>();
  private runners = new Map<string, RunnerRecord>();
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private closed = false;

  constructor(
    private readonly storage: Storage,
    private readonly options: FleetClientOptions,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.storage.listen(
      CHANNELS.botEvents,
      (payload) => void this.onEvent(payload),
      () => void this.refresh(),
    );
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs ?? 500);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.refreshing;
    await this.unlisten?.().catch(() => undefined);
  }

  // ---------------------------------------------------------------- reads

  has(botId: string): boolean {
    return this.views.has(botId) && this.current(botId);
  }

  get(botId: string): LiveBotView {
    const view = this.views.get(botId);
    if (view === undefined || !this.current(botId)) throw new EngineError('NOT_FOUND', `no runner holds bot ${botId}`);
    return view;
  }

  list(): LiveBotView[] {
    return [...this.views.values()].filter((v) => this.current(v.id));
  }

  /** The bot's lease had not run out at the last read, as far as can be told now (the database may be away). */
  private current(botId: string): boolean {
    const read = this.leases.get(botId);
    return read !== undefined && read.lease.expiresInMs - (Date.now() - read.readAt) > 0;
  }

  /** The bot's lease as the dashboard shows it; undefined while no live runner holds it. */
  leaseOf(botId: string): BotLeaseDto | undefined {
    const read = this.leases.get(botId);
    const runnerId = read?.lease.runnerId;
    if (read === undefined || runnerId === undefined) return undefined;
    const { lease, readAt } = read;
    const runner = this.runners.get(runnerId);
    const now = Date.now();
    // the database's clock at the read, carried forward by this process's time since
    const elapsed = now - readAt;
    return {
      runnerId,
      runnerName: runner?.name ?? runnerId.slice(0, 8),
      epoch: lease.epoch,
      heldForMs: lease.claimedAt === undefined ? 0 : Math.max(0, now - lease.claimedAt),
      renewedAgoMs: lease.renewedAt === undefined ? 0 : Math.max(0, now - lease.renewedAt),
      expiresInMs: lease.expiresInMs - elapsed,
    };
  }

  runnerList(): RunnerDto[] {
    return [...this.runners.values()].sort((a, b) => Number(b.alive) - Number(a.alive) || b.startedAt - a.startedAt);
  }

  /** Re-reads leases, runners and statuses (all of them, or just some bots'). */
  refresh(botIds?: readonly string[]): Promise<void> {
    if (botIds === undefined && this.refreshing !== undefined) return this.refreshing;
    const run = this.read(botIds)
      .catch((error: unknown) => this.options.logger?.warn({ reason: (error as Error).message }, 'could not read the fleet state; keeping the last one'))
      .finally(() => {
        if (botIds === undefined) this.refreshing = undefined;
      });
    if (botIds === undefined) this.refreshing = run;
    return run;
  }

  private async read(botIds: readonly string[] | undefined): Promise<void> {
    if (this.closed) return;
    const fleet = this.storage.fleet;
    const listRunners = () => fleet.listRunners({ ttlMs: this.options.ttlMs, includeStoppedWithinMs: 3_600_000 });
    // a few bots' refresh reads their leases only; the runners come with the periodic full one
    const [live, leases, runners] = await Promise.all([fleet.readLive(botIds), fleet.listLeases(botIds), botIds === undefined ? listRunners() : undefined]);
    const readAt = Date.now();
    const read = leases.map((lease) => [lease.botId, { lease, readAt }] as const);
    if (botIds === undefined) this.leases = new Map(read);
    else {
      const merged = new Map(this.leases);
      for (const id of botIds) merged.delete(id);
      for (const [id, r] of read) merged.set(id, r);
      this.leases = merged;
    }
    // ...unless a lease names a runner not seen yet, or none was alive at the last read
    const stale = runners === undefined && (leases.some((l) => l.runnerId !== undefined && !this.runners.has(l.runnerId)) || ![...this.runners.values()].some((r) => r.alive));
    const fresh = runners ?? (stale ? await listRunners() : undefined);
    if (fresh !== undefined) this.runners = new Map(fresh.map((r) => [r.id, r]));
    const views = botIds === undefined ? new Map<string, LiveBotView>() : new Map(this.views);
    for (const id of botIds ?? []) views.delete(id);
    for (const record of live.values()) {
      try {
        const view = this.viewOf(record);
        if (view !== undefined) views.set(record.botId, view);
      } catch (error) {
        // one status that cannot be read must not hide every other bot
        this.options.logger?.warn({ botId: record.botId, reason: (error as Error).message }, 'a live status could not be read; the bot shows as not held');
      }
    }
    this.views = views;
  }

  /** A status counts while its writer still holds the lease it was written under. */
  private viewOf(record: LiveRecord): LiveBotView | undefined {
    const lease = this.leases.get(record.botId)?.lease;
    if (lease === undefined || lease.runnerId !== record.runnerId || lease.epoch !== record.epoch || lease.expiresInMs < 0) return undefined;
    return new LiveBotView(record.botId, revive(record.status) as BotLiveStatus, record.runnerId, record.epoch, record.updatedAt);
  }

  private async onEvent(payload: string): Promise<void> {
    let message;
    try {
      message = decodeBotEvent(payload);
    } catch {
      return; // not ours
    }
    // the runner wrote the bot's new status before it sent this; read it first so whoever reacts
    // to the event reads the new state and figures
    if (changesStatus(message.t, message.p)) await this.refresh([message.p.botId]);
    this.events.emit(message.t, message.p as never);
  }

  /** Waits (bounded) until a runner holds the bot: a bot just created is claimed within a moment. */
  async waitForHolder(botId: string, timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      await this.refresh([botId]);
      if (this.leaseOf(botId) !== undefined && this.views.has(botId)) return true;
      if (Date.now() >= until || !this.runnerList().some((r) => r.alive)) return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  // ---------------------------------------------------------------- commands

  /** Sends a command to the bot's holder and waits for it to be carried out; a refusal is thrown as the runner said it. */
  async command(botId: string, action: RunnerCommand, options: CommandOptions, requestedBy: string): Promise<void> {
    const lease = this.leases.get(botId)?.lease;
    const holder = lease?.runnerId === undefined ? undefined : this.runners.get(lease.runnerId);
    if (lease === undefined || holder === undefined || !holder.alive || !this.current(botId)) {
      throw new EngineError('NO_RUNNER', 'no runner holds this bot right now (is a runner running?); it is picked up as soon as one is');
    }
    const fleet = this.storage.fleet;
    const id = await fleet.enqueueCommand({ botId, action, options: { ...options }, requestedBy });
    const timeoutMs = this.options.commandTimeoutMs ?? 20_000;
    const done = await fleet.awaitCommand(id, timeoutMs);
    // the runner wrote the bot's status before it answered, whatever the answer: read it
    await this.refresh([botId]);
    if (done.status === 'failed') {
      const error = done.error ?? { code: 'INTERNAL', message: 'the runner failed the command without saying why' };
      throw new EngineError(isErrorCode(error.code) ? error.code : 'INTERNAL', error.message, error.details === undefined ? {} : { details: error.details as Record<string, unknown> });
    }
    if (done.status !== 'done') throw new EngineError('TIMEOUT', `runner ${holder.name} did not confirm "${action}" within ${timeoutMs / 1000} s; it may still carry it out`);
  }
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
