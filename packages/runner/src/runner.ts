// A runner: claims bots through leases in PostgreSQL, trades them, and reports back through the
// database. Any number run against one database, on any machines; `npm start` runs one inside
// the server process through this same code.
//
// A lease per bot (owner, epoch, expiry) is renewed every couple of seconds. The epoch is a
// fencing token: every journal write for a bot carries the runner's epoch and the database
// refuses it once a newer one exists. A runner that has not renewed in time stops placing orders
// and cancels its own on its own (self-fencing, measured on this process's monotonic clock, so a
// frozen process that wakes up knows at once); the venue's dead-man switch, armed shorter than
// the lease, covers a runner cut off from the database and the venue alike.
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { EngineError, botOrderPrefix, toEngineError } from '@mm/core';
import type { BotConfig, Clock } from '@mm/core';
import { BotManager } from '@mm/engine';
import type { Bot, BotEvents, BotTimings, VenueProvider } from '@mm/engine';
import type { CommandRecord, LeaseGrant, Storage } from '@mm/storage';
import { ensureAccountBaseline } from './baseline.ts';
import type { AccountVenues } from './baseline.ts';
import { RUNNER_COMMANDS, runCommand } from './commands.ts';
import type { CommandOptions, RunnerCommand } from './commands.ts';
import { fencedVenues } from './fenced-venues.ts';
import { LeaseGate } from './lease-gate.ts';
import { Outbox } from './outbox.ts';
import { liveStatusOf } from './live-status.ts';
import { CHANNELS, changesStatus, encodeBotEvent } from './channels.ts';
import { toJsonValue } from './wire.ts';

export interface RunnerLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface RunnerOptions {
  readonly storage: Storage;
  /** The bots' adapters, and each account's own (its baseline is read there before a bot starts). */
  readonly venues: VenueProvider & AccountVenues;
  readonly clock: Clock;
  readonly logger: RunnerLog;
  readonly version: string;
  /** Shown in the dashboard (default host-pid). */
  readonly name?: string;
  /** Unique per process (default a fresh UUID: a restarted runner is a new runner). */
  readonly id?: string;
  /** The runner inside the server process. */
  readonly embedded?: boolean;
  readonly ttlMs?: number;
  readonly renewMs?: number;
  /** How often each bot's live status is written (default 1 s). */
  readonly statusMs?: number;
  readonly timings?: Partial<BotTimings>;
}

export const DEFAULT_LEASE_TTL_MS = 10_000;
export const DEFAULT_LEASE_RENEW_MS = 2_000;
/** Margin between the runner's own deadline and the lease's expiry in the database. */
const FENCE_SAFETY_MS = 2_000;

interface Holding {
  readonly grant: LeaseGrant;
  /** The client order id prefix of the bot's orders. */
  readonly prefix: string;
  /** Set once the bot is added to the manager. */
  bot: Bot | undefined;
  /** True while it is being handed over or removed: no more commands, no more claims on it. */
  leaving: boolean;
  lastStatusAt: number;
  /** The claim's restore is running (commands wait for it). */
  ready: Promise<void>;
  /** The bot's status writes and event notifications, in order (see Outbox). */
  readonly outbox: Outbox;
  /** The bot's commands, one after another (other bots' commands do not wait for them). */
  commands: Promise<void>;
}

export class Runner {
  readonly id: string;
  readonly name: string;
  readonly manager: BotManager;
  private readonly holdings = new Map<string, Holding>();
  private readonly gate: LeaseGate;
  private readonly ttlMs: number;
  private readonly renewMs: number;
  private readonly statusMs: number;
  private readonly unlisten: (() => Promise<void>)[] = [];
  private readonly offs: (() => void)[] = [];
  private cycleTimer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private cycling: Promise<void> | undefined;
  private commandsRunning: Promise<void> | undefined;
  private commandsAgain = false;
  /** Commands being carried out (stop waits for them). */
  private readonly executing = new Set<Promise<void>>();
  private storageOk = true;
  /** When this runner's last heartbeat reached the database (this process's monotonic clock). */
  private lastBeatAt: number | undefined;
  /** Runners alive at the last lease cycle before an outage, and until when that count is used. */
  private aliveBefore = 1;
  private rejoinUntil = 0;
  /** Hand-overs in progress (no claims meanwhile). */
  private handingOver = 0;
  private draining = false;
  private stopped = false;

  constructor(private readonly options: RunnerOptions) {
    this.id = options.id ?? randomUUID();
    this.name = options.name ?? `${hostname()}-${process.pid}`;
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    this.renewMs = options.renewMs ?? DEFAULT_LEASE_RENEW_MS;
    this.statusMs = options.statusMs ?? 1_000;
    if (this.renewMs * 2 > this.ttlMs) throw new EngineError('INVALID_CONFIG', `the lease renewal (${this.renewMs} ms) must be at most half the lease TTL (${this.ttlMs} ms)`);
    this.gate = new LeaseGate(options.storage.journal, () => performance.now());
    // the venue's dead-man switch fires before the lease runs out, and is refreshed well within it
    const deadMan = Math.max(1_000, this.ttlMs - FENCE_SAFETY_MS);
    this.manager = new BotManager({
      clock: options.clock,
      journal: this.gate,
      // the last check before an order leaves: its bot's lease is still certainly ours
      venues: fencedVenues(options.venues, { mayPlace: (clientOrderId) => this.mayPlace(clientOrderId) }),
      timings: { deadManTimeoutMs: deadMan, deadManRefreshMs: this.renewMs, ...options.timings },
    });
  }

  /** An order may leave while its bot (found by the client id's prefix) is held here and its lease certain. */
  private mayPlace(clientOrderId: string): boolean {
    for (const h of this.holdings.values()) if (clientOrderId.startsWith(h.prefix)) return this.gate.valid(h.grant.botId);
    return false;
  }

  /** Bots this runner holds now. */
  get heldBotIds(): string[] {
    return [...this.holdings.keys()];
  }

  epochOf(botId: string): number | undefined {
    return this.holdings.get(botId)?.grant.epoch;
  }

  async start(): Promise<void> {
    const { storage } = this.options;
    storage.journal.setInstrumentResolver((botId) => (this.manager.has(botId) ? this.manager.get(botId).instrument : undefined));
    storage.journal.setFence({
      runnerId: this.id,
      epochOf: (botId) => this.epochOf(botId),
      refused: (botId, what) => this.options.logger.warn({ botId, what }, 'a write for a bot whose lease this runner lost was refused'),
    });
    this.offs.push(
      storage.bus.on('health', (change) => {
        this.storageOk = change.state === 'ok';
        for (const h of this.holdings.values()) this.applyAvailability(h);
      }),
    );
    // the bots' events, risk events and stats are stored from the manager's bus
    this.offs.push(storage.journal.attach(this.manager.events));
    this.relayEvents();
    await storage.fleet.registerRunner({ id: this.id, name: this.name, host: hostname(), pid: process.pid, version: this.options.version, embedded: this.options.embedded ?? false });
    // a command for a bot held elsewhere is not read here
    this.unlisten.push(
      await storage.listen(
        CHANNELS.command,
        (botId) => {
          if (this.holdings.has(botId)) this.runCommands();
        },
        () => this.runCommands(),
      ),
    );
    this.unlisten.push(await storage.listen(CHANNELS.lease, () => this.wake()));
    this.options.logger.info({ runnerId: this.id, name: this.name, ttlMs: this.ttlMs }, 'runner started');
    this.statusTimer = setInterval(() => this.guardAndReport(), Math.min(250, this.statusMs));
    this.statusTimer.unref();
    // runners started together see each other before the first claim, rather than the first
    // to register taking every bot and handing most of them over again
    if (!(this.options.embedded ?? false)) await new Promise((resolve) => setTimeout(resolve, this.renewMs));
    await this.cycle();
  }

  /** Runs a lease cycle now (a released lease, a new bot). */
  wake(): void {
    if (this.cycling === undefined && !this.stopped) {
      clearTimeout(this.cycleTimer);
      void this.cycle();
    }
  }

  // ---------------------------------------------------------------- the lease cycle

  private cycle(): Promise<void> {
    if (this.cycling !== undefined) return this.cycling;
    let nextExpiryMs: number | undefined;
    this.cycling = this.cycleOnce()
      .then((next) => void (nextExpiryMs = next))
      .catch((error: unknown) => this.options.logger.warn({ reason: toEngineError(error).message }, 'lease cycle failed; retrying'))
      .finally(() => {
        this.cycling = undefined;
        if (!this.stopped) {
          // a lease about to run out brings the next cycle forward
          this.cycleTimer = setTimeout(() => void this.cycle(), nextCycleDelay(this.renewMs, nextExpiryMs));
          this.cycleTimer.unref();
        }
      });
    return this.cycling;
  }

  /** One round of renewals, heartbeat and claims; returns how soon the first held lease runs out, when it was read. */
  private async cycleOnce(): Promise<number | undefined> {
    const { storage } = this.options;
    await this.renew();
    const usage = process.memoryUsage();
    const beatAt = performance.now();
    await storage.fleet.heartbeat(this.id, { botCount: this.holdings.size, rssBytes: usage.rss, heapBytes: usage.heapUsed, draining: this.draining });
    // Back after a database outage longer than the TTL: the other runners were cut off too, and
    // their heartbeats look as dead as this one's did. Counting only the runners that have
    // reported since, the first one back would take every bot and then hand most of them on.
    // For one TTL the shares are reckoned among as many runners as were alive before the
    // outage; a bot whose runner does not come back is claimed once that time is up.
    if (this.lastBeatAt !== undefined && beatAt - this.lastBeatAt > this.ttlMs) {
      this.rejoinUntil = beatAt + this.ttlMs;
      this.options.logger.info({ runners: this.aliveBefore }, 'the database is back: sharing the bots as among the runners alive before the outage');
    }
    this.lastBeatAt = beatAt;
    if (this.draining || this.stopped) return undefined;
    await this.dropRemoved();
    const counts = await storage.fleet.fleetCounts(this.ttlMs);
    const rejoining = performance.now() < this.rejoinUntil;
    if (!rejoining) this.aliveBefore = counts.aliveRunners;
    const alive = rejoining ? Math.max(counts.aliveRunners, this.aliveBefore) : counts.aliveRunners;
    const share = Math.ceil(counts.bots / Math.max(1, alive));
    const want = share - this.holdings.size;
    // a group being handed over is not claimed back half-way
    if (this.handingOver > 0) {
      this.runCommands();
      return counts.nextExpiryMs;
    }
    // free bots beside ones held here are claimed whatever the share (see claimBots)
    if (counts.unclaimed > 0) for (const grant of await storage.fleet.claimBots(this.id, Math.max(0, want), this.ttlMs)) this.take(grant);
    // nothing is handed on while the fleet reassembles after an outage
    else if (want < 0 && counts.aliveRunners > 1 && !rejoining) this.rebalance(-want);
    this.runCommands();
    return counts.nextExpiryMs;
  }

  /**
   * A runner joined: hand over one account-and-symbol group per cycle (the bots in it move
   * together), the smallest that leaves this runner at or above its share.
   */
  private rebalance(excess: number): void {
    const settled = [...this.holdings.values()].filter((h) => !h.leaving && h.bot !== undefined);
    const group = groupsOf(settled)
      .filter((g) => g.length <= excess)
      .sort((a, b) => a.length - b.length)[0];
    if (group !== undefined) void this.handOverAll(group, 'rebalancing to another runner');
  }

  private async renew(): Promise<void> {
    const held = [...this.holdings.values()];
    if (held.length === 0) return;
    const sentAt = performance.now();
    const renewed = await this.options.storage.fleet.renewLeases(
      this.id,
      held.map((h) => h.grant),
      this.ttlMs,
    );
    for (const h of held) {
      if (renewed.has(h.grant.botId)) {
        this.gate.extend(h.grant.botId, sentAt + this.ttlMs - FENCE_SAFETY_MS);
        this.applyAvailability(h);
      } else if (this.holdings.get(h.grant.botId) === h) {
        this.lose(h, 'its lease expired or another runner took it');
      }
    }
  }

  /** Bots deleted in the dashboard while held here. */
  private async dropRemoved(): Promise<void> {
    if (this.holdings.size === 0) return;
    const gone = await this.options.storage.bots.removedAmong([...this.holdings.keys()]);
    const removed = [...this.holdings.values()].filter((h) => gone.has(h.grant.botId));
    if (removed.length > 0) void this.handOverAll(removed, 'bot removed');
  }

  /** A claimed bot: cancel what a previous holder left at the venue, then restore it as the operator wants it. */
  private take(grant: LeaseGrant): void {
    const holding: Holding = {
      grant,
      prefix: botOrderPrefix(grant.botId),
      bot: undefined,
      leaving: false,
      lastStatusAt: 0,
      ready: Promise.resolve(),
      outbox: new Outbox({
        writeStatus: () => this.writeStatusNow(holding),
        // while the database is away events are not queued up behind failing notifications
        notify: async (messages) => (this.storageOk ? this.options.storage.notify(CHANNELS.botEvents, messages).catch(() => undefined) : undefined),
      }),
      commands: Promise.resolve(),
    };
    this.holdings.set(grant.botId, holding);
    this.gate.extend(grant.botId, performance.now() + this.ttlMs - FENCE_SAFETY_MS);
    holding.ready = this.restore(holding).catch((error: unknown) => {
      this.options.logger.error({ botId: grant.botId, reason: toEngineError(error).message }, 'could not take the bot over; giving its lease back');
      void this.release(holding);
    });
  }

  private async restore(holding: Holding): Promise<void> {
    const { storage, logger } = this.options;
    const botId = holding.grant.botId;
    const record = await storage.bots.get(botId);
    if (record === undefined || record.archivedAt !== undefined) return this.release(holding);
    await this.cancelOrphans(holding.prefix, record.config);
    // lost, handed over or stopped while this ran: the bot is no longer this runner's to start
    const current = () => !this.stopped && this.holdings.get(botId) === holding;
    if (!current()) return;
    const bot = await this.manager.add(record.id, record.config, record.desiredState === 'stopped' ? 'STOPPED' : 'INIT');
    if (!current()) {
      this.manager.detach(botId);
      return;
    }
    holding.bot = bot;
    this.applyAvailability(holding);
    logger.info({ botId, name: record.name, epoch: holding.grant.epoch, desired: record.desiredState }, 'claimed bot');
    if (record.desiredState !== 'stopped') this.startBot(holding, record.desiredState === 'paused');
    await this.writeStatus(holding);
  }

  /**
   * Orders of this bot still open at the venue from an earlier holder (a runner that died, froze
   * or was cut off): cancelled before this runner quotes, so two runners never have live orders
   * for one bot. The bot's own start then reconciles their final states and any fills.
   */
  private async cancelOrphans(prefix: string, config: BotConfig): Promise<void> {
    let adapter;
    try {
      adapter = await this.options.venues.adapterFor(config);
      await adapter.connect();
    } catch {
      return; // the bot's start reports a venue it cannot reach
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const open = (await adapter.openOrders(config.symbol)).filter((o) => o.clientOrderId.startsWith(prefix));
      if (open.length === 0) return;
      this.options.logger.info({ bot: config.name, orders: open.length }, 'cancelling orders left by the previous holder');
      await adapter.cancelOrders(open.map((o) => ({ symbol: config.symbol, clientOrderId: o.clientOrderId })));
    }
  }

  private startBot(holding: Holding, thenPause: boolean): void {
    const bot = holding.bot;
    if (bot === undefined) return;
    void (async () => {
      try {
        // the account's reconciliation starts before its first bot trades
        await ensureAccountBaseline(this.options.storage, this.options.venues, bot.config.accountId).catch(() => undefined);
        await bot.start();
        if (thenPause && (bot.state === 'RUNNING' || bot.state === 'START_QUOTING')) await bot.pause('restored paused');
      } catch {
        // the bot reports its own failure (ERROR state, log event)
      }
    })();
  }

  /** The lease is gone: stop handling the bot here without touching the venue. */
  private lose(holding: Holding, why: string): void {
    this.options.logger.warn({ botId: holding.grant.botId, epoch: holding.grant.epoch, why }, 'lost the lease of a bot; it is no longer traded here');
    this.holdings.delete(holding.grant.botId);
    this.gate.revoke(holding.grant.botId);
    this.manager.detach(holding.grant.botId);
  }

  /**
   * Cancels the bots' orders, writes what they have, and gives their leases back so another
   * runner takes them at once: each account-and-symbol group as soon as all of its bots are
   * stopped (a group moves together), independently of the others.
   */
  private async handOverAll(holdings: readonly Holding[], why: string): Promise<void> {
    const leaving = holdings.filter((h) => !h.leaving);
    if (leaving.length === 0) return;
    this.handingOver++;
    try {
      for (const h of leaving) h.leaving = true;
      await Promise.all(
        groupsOf(leaving).map(async (group) => {
          await Promise.all(
            group.map(async (holding) => {
              await holding.ready;
              const bot = holding.bot;
              if (bot === undefined || this.holdings.get(holding.grant.botId) !== holding) return;
              this.options.logger.info({ botId: bot.id, why }, 'handing the bot over');
              await bot.stop(why).catch(() => undefined);
            }),
          );
          await this.options.storage.journal.flush().catch(() => undefined);
          for (const h of group) await this.release(h);
        }),
      );
    } finally {
      this.handingOver--;
    }
  }

  private async release(holding: Holding): Promise<void> {
    const { storage } = this.options;
    const botId = holding.grant.botId;
    if (this.holdings.get(botId) !== holding) return;
    this.holdings.delete(botId);
    this.gate.revoke(botId);
    if (this.manager.has(botId)) this.manager.detach(botId);
    // releaseLease notifies the other runners, which claim the bot at once
    await storage.fleet.releaseLease(this.id, holding.grant).catch(() => false);
  }

  /** New orders only while storage is reachable and the lease is certainly ours. */
  private applyAvailability(holding: Holding): void {
    holding.bot?.setStorageAvailable(this.storageOk && this.gate.valid(holding.grant.botId));
  }

  // ---------------------------------------------------------------- self-fencing and status

  private guardAndReport(): void {
    const now = this.options.clock.now();
    for (const h of this.holdings.values()) {
      const bot = h.bot;
      if (bot === undefined) continue;
      // past the deadline: cancel and place nothing until a renewal proves the lease is ours
      if (!this.gate.valid(h.grant.botId) && !bot.quotingBlocked) {
        this.options.logger.warn({ botId: bot.id }, 'lease not renewed in time: cancelling the bot\u2019s orders and placing nothing (self-fencing)');
      }
      this.applyAvailability(h);
      if (now - h.lastStatusAt >= this.statusMs) void this.writeStatus(h);
    }
  }

  /** Queues a status write in the bot's outbox; the status is read when its turn comes, so it is the latest. */
  private writeStatus(holding: Holding): Promise<void> {
    holding.lastStatusAt = this.options.clock.now();
    return holding.outbox.writeStatus();
  }

  private async writeStatusNow(holding: Holding): Promise<void> {
    const bot = holding.bot;
    if (bot === undefined || !this.storageOk) return;
    holding.lastStatusAt = this.options.clock.now();
    try {
      const ok = await this.options.storage.fleet.writeLive(this.id, holding.grant, toJsonValue(liveStatusOf(bot, holding.lastStatusAt)));
      if (!ok && this.holdings.get(holding.grant.botId) === holding) this.lose(holding, 'its status write was refused: a newer lease exists');
    } catch {
      // the database is away: the health signal fences the bot; the next write catches up
    }
  }

  /** Every bot event goes to the control plane on NOTIFY (the dashboard's live stream, alerts). */
  private relayEvents(): void {
    const topics = ['state', 'order', 'fill', 'risk', 'log', 'stats', 'connection'] as const;
    for (const topic of topics) {
      this.offs.push(
        this.manager.events.on(topic, (payload: BotEvents[typeof topic]) => {
          const holding = this.holdings.get(payload.botId);
          if (holding === undefined) return;
          if (topic === 'log' && (payload as BotEvents['log']).level === 'error') this.options.logger.error({ botId: payload.botId }, (payload as BotEvents['log']).message);
          // the status first, for whoever reacts to the event; the outbox keeps the bot's events in
          // the order they happened and folds the status requests of one round into one write
          if (changesStatus(topic, payload)) void this.writeStatus(holding);
          holding.outbox.send(encodeBotEvent(this.id, topic, payload));
        }),
      );
    }
  }

  // ---------------------------------------------------------------- commands

  private runCommands(): void {
    if (this.commandsRunning !== undefined) {
      this.commandsAgain = true;
      return;
    }
    this.commandsRunning = this.takeAndRun()
      .catch((error: unknown) => this.options.logger.warn({ reason: toEngineError(error).message }, 'reading commands failed; retrying on the next cycle'))
      .finally(() => {
        this.commandsRunning = undefined;
        if (this.commandsAgain) {
          this.commandsAgain = false;
          this.runCommands();
        }
      });
  }

  private async takeAndRun(): Promise<void> {
    const grants = [...this.holdings.values()].filter((h) => !h.leaving).map((h) => h.grant);
    if (grants.length === 0 || this.stopped) return;
    const commands = await this.options.storage.fleet.takeCommands(this.id, grants);
    // one bot's commands in order; different bots' side by side, and the next read does not wait
    // for them (a stop that closes a position takes a while)
    for (const command of commands) {
      const holding = this.holdings.get(command.botId);
      const run = () => this.execute(command);
      const done = holding === undefined ? run() : (holding.commands = holding.commands.then(run));
      this.executing.add(done);
      void done.finally(() => this.executing.delete(done));
    }
  }

  private async execute(command: CommandRecord): Promise<void> {
    const { storage } = this.options;
    const holding = this.holdings.get(command.botId);
    try {
      if (holding === undefined || holding.leaving) throw new EngineError('NO_RUNNER', 'the bot is being handed to another runner; try again in a few seconds');
      await holding.ready;
      if (holding.bot === undefined) throw new EngineError('NO_RUNNER', 'the bot could not be taken over by its runner; see the event log');
      if (!RUNNER_COMMANDS.includes(command.action as RunnerCommand)) throw new EngineError('INVALID_ARGUMENT', `unknown command ${command.action}`);
      await runCommand(
        {
          storage,
          bot: holding.bot,
          startBot: (thenPause) => this.startBot(holding, thenPause),
          release: () => this.release(holding),
        },
        command.action as RunnerCommand,
        command.options as CommandOptions,
      );
      // the answer the operator gets reads the status: it must show the command's effect
      if (this.holdings.get(command.botId) === holding) await this.writeStatus(holding);
      else await storage.fleet.dropLive(command.botId).catch(() => undefined);
      await storage.fleet.completeCommand(command.id, { ok: true });
    } catch (error) {
      const e = toEngineError(error);
      if (holding !== undefined && this.holdings.get(command.botId) === holding) await this.writeStatus(holding);
      await storage.fleet.completeCommand(command.id, { ok: false, error: { code: e.code, message: e.message, ...(e.details === undefined ? {} : { details: e.details }) } }).catch(() => undefined);
    }
  }

  // ---------------------------------------------------------------- shutdown

  /**
   * SIGTERM: hand every bot over (orders cancelled, leases released) so other runners take
   * them at once, then leave. Within the lease TTL; what is not done by then the TTL covers.
   */
  async drain(deadlineMs = this.ttlMs - FENCE_SAFETY_MS): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    this.options.logger.info({ bots: this.holdings.size }, 'draining: handing every bot over');
    await this.options.storage.fleet.heartbeat(this.id, { botCount: this.holdings.size, rssBytes: process.memoryUsage().rss, heapBytes: process.memoryUsage().heapUsed, draining: true }).catch(() => undefined);
    const handing = this.handOverAll([...this.holdings.values()], 'runner shutting down');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([handing, new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)))]);
    clearTimeout(timer);
    await this.stop();
  }

  /** Stops the loops and says goodbye; bots still held are left to their leases' expiry. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.cycleTimer);
    clearInterval(this.statusTimer);
    await this.cycling;
    await this.commandsRunning;
    await Promise.allSettled([...this.executing]);
    for (const off of this.offs) off();
    for (const unlisten of this.unlisten) await unlisten().catch(() => undefined);
    for (const h of [...this.holdings.values()]) this.lose(h, 'runner stopped');
    this.options.storage.journal.setFence(undefined);
    await this.options.storage.fleet.markRunnerStopped(this.id).catch(() => undefined);
  }
}

/** Just past a lease expiry, claims wait this long so that the database, too, sees it expired. */
const EXPIRY_MARGIN_MS = 25;

/**
 * The next lease cycle comes a renewal period after this one, or just after the first held lease
 * runs out when that is sooner: a lease that close to its end belongs to a runner that has stopped
 * renewing (crashed or frozen), and its bots are taken over at once rather than up to a whole
 * renewal period later.
 */
export function nextCycleDelay(renewMs: number, nextExpiryMs: number | undefined): number {
  if (nextExpiryMs === undefined || nextExpiryMs + EXPIRY_MARGIN_MS >= renewMs) return renewMs;
  return Math.max(0, nextExpiryMs) + EXPIRY_MARGIN_MS;
}

/** Bots sharing an account and a symbol have one holder (see FleetRepo.claimBots). */
function groupKey(bot: Bot): string {
  return `${bot.config.accountId}\u0000${bot.symbol}`;
}

/** The holdings by account-and-symbol group, in first-seen order; one not yet restored is a group of its own. */
function groupsOf(holdings: readonly Holding[]): Holding[][] {
  const groups = new Map<string, Holding[]>();
  for (const h of holdings) {
    const key = h.bot === undefined ? h.grant.botId : groupKey(h.bot);
    groups.set(key, [...(groups.get(key) ?? []), h]);
  }
  return [...groups.values()];
}
