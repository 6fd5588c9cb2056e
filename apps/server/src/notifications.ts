// Telegram and webhook notifications, wired to the engine: engine events become notify events,
// Telegram commands act through the same bot service as the dashboard (and are audit-logged),
// and the settings live in storage. Nothing here can slow trading: publish never waits.
import { EngineError, LiveClock, fx } from '@mm/core';
import type { BotEvents } from '@mm/engine';
import type { FleetView } from '@mm/runner';
import { Notifier, applySettingsInput, defaultNotificationSettings, notificationSettingsSchema, redactSettings, resolveBotRef } from '@mm/notify';
import type { BotIdentity, BotSummary, ControlPort, ControlResult, NotificationSettings, NotifyEvent } from '@mm/notify';
import type { Storage } from '@mm/storage';
import type { Logger } from 'pino';
import { priceText, qtyText } from './bots/dto.ts';
import type { BotService } from './bots/service.ts';

const SETTINGS_KEY = 'notifications';

export class Notifications {
  readonly notifier: Notifier;
  private readonly offs: (() => void)[] = [];

  private constructor(
    settings: NotificationSettings,
    private readonly storage: Storage,
    private readonly manager: FleetView,
    private readonly bots: BotService,
    logger: Logger,
  ) {
    this.notifier = new Notifier({
      clock: new LiveClock(),
      settings,
      control: this.control(),
      audit: {
        record: (entry) =>
          this.storage.audit.record({ username: entry.actor, action: entry.action, details: entry.details, at: entry.at }).then(() => undefined),
      },
      logger: { log: (level, message, details) => logger[level === 'debug' ? 'debug' : level]({ ...details }, `notify: ${message}`) },
    });
  }

  static async create(storage: Storage, manager: FleetView, bots: BotService, logger: Logger): Promise<Notifications> {
    const stored = await storage.settings.get(SETTINGS_KEY);
    const parsed = notificationSettingsSchema.safeParse(stored ?? {});
    if (!parsed.success) logger.warn('stored notification settings are invalid; notifications are off until they are saved again');
    const n = new Notifications(parsed.success ? parsed.data : defaultNotificationSettings(), storage, manager, bots, logger);
    n.attach();
    n.notifier.start();
    return n;
  }

  redacted(): unknown {
    return redactSettings(this.notifier.currentSettings);
  }

  /**
   * Applies a settings change and saves it. Sections the client sends replace those sections;
   * the others keep their current values. Secrets sent back masked keep their stored value.
   */
  async update(sections: Readonly<Record<string, unknown>>): Promise<unknown> {
    const result = applySettingsInput({ ...this.notifier.currentSettings, ...sections }, this.notifier.currentSettings);
    if (!result.ok) {
      throw new EngineError('INVALID_ARGUMENT', result.message, { details: { fields: result.issues.map((i) => ({ path: `notifications.${i.path}`, message: i.message })) } });
    }
    await this.storage.settings.set(SETTINGS_KEY, result.settings);
    this.notifier.updateSettings(result.settings);
    return this.redacted();
  }

  async close(): Promise<void> {
    for (const off of this.offs) off();
    this.notifier.flush();
    await this.notifier.drain(5_000);
    this.notifier.stop();
  }

  private identity(botId: string): BotIdentity | undefined {
    if (!this.manager.has(botId)) return undefined;
    const bot = this.manager.get(botId);
    return { id: bot.id, name: bot.config.name, venue: bot.venueName, symbol: bot.symbol };
  }

  private publish(botId: string, build: (bot: BotIdentity) => NotifyEvent): void {
    const bot = this.identity(botId);
    if (bot !== undefined) this.notifier.publish(build(bot));
  }

  private attach(): void {
    const ev = this.manager.events;
    this.offs.push(
      ev.on('state', (e) => {
        const bot = this.identity(e.botId);
        const event = bot === undefined ? undefined : stateEvent(bot, e);
        if (event !== undefined) this.notifier.publish(event);
      }),
      ev.on('risk', (e) => {
        if (e.type !== 'trip') return;
        if (e.rule === 'kill_switch') this.publish(e.botId, (bot) => ({ kind: 'kill_switch', bot, at: e.at, reason: e.message }));
        else this.publish(e.botId, (bot) => ({ kind: 'risk_trip', bot, at: e.at, rule: e.rule, value: e.value ?? '', limit: e.limit ?? '', action: e.action ?? '', message: e.message }));
      }),
      ev.on('fill', (e) => {
        const inst = this.manager.has(e.botId) ? this.manager.get(e.botId).instrument : undefined;
        this.publish(e.botId, (bot) => ({
          kind: 'fill',
          bot,
          at: e.fill.venueTime,
          side: e.fill.side,
          price: priceText(inst, e.fill.priceTicks),
          qty: qtyText(inst, e.fill.qtyLots),
          notional: e.notional,
          fee: fx.format(e.fill.fee),
          feeAsset: e.fill.feeAsset,
          liquidity: e.fill.liquidity,
          tag: e.tag,
        }));
      }),
      ev.on('connection', (e) =>
        this.publish(e.botId, (bot) =>
          e.state === 'disconnected'
            ? { kind: 'connection_lost', bot, at: e.at, stream: e.stream, reason: e.reason ?? 'stream dropped' }
            : { kind: 'connection_restored', bot, at: e.at, stream: e.stream },
        ),
      ),
    );
  }

  /** Telegram commands act through the bot service, exactly like the dashboard. */
  private control(): ControlPort {
    const summaries = async (): Promise<BotSummary[]> =>
      (await this.bots.list()).map((b) => ({
        id: b.id,
        name: b.name,
        venue: b.venue,
        symbol: b.symbol,
        state: b.state,
        tradingState: b.tradingState,
        pnlToday: b.stats?.pnl.today ?? '0',
        volumeToday: b.stats?.volume.total ?? '0',
        volumeTarget: b.stats?.volume.target ?? '0',
        fees: b.stats?.pnl.fees ?? '0',
        inventory: b.stats?.position?.qty ?? b.stats?.base ?? '0',
        openOrders: b.stats?.openOrders ?? 0,
      }));
    const act = async (ref: string, action: 'pause' | 'resume' | 'stop' | 'cancel-all', detail: string): Promise<ControlResult> => {
      const found = resolveBotRef(await summaries(), ref);
      if (!found.ok) throw found.error;
      const bot = found.value;
      await this.bots.act(bot.id, action, `${action} from Telegram`);
      return { bot: { id: bot.id, name: bot.name, venue: bot.venue, symbol: bot.symbol }, detail };
    };
    return {
      listBots: summaries,
      pause: (ref) => act(ref, 'pause', 'paused; its orders were cancelled'),
      resume: (ref) => act(ref, 'resume', 'quoting again'),
      stop: (ref) => act(ref, 'stop', 'stopped; its orders were cancelled'),
      cancelAll: (ref) => act(ref, 'cancel-all', 'all its orders cancelled'),
      killAll: async (reason) => {
        const results = await this.bots.actAll('kill', reason);
        return { bots: results.filter((r) => r.ok).length, detail: 'every bot halted with its orders cancelled; reset the halt from the dashboard' };
      },
    };
  }
}

function stateEvent(bot: BotIdentity, e: BotEvents['state']): NotifyEvent | undefined {
  const base = { bot, at: e.at };
  if (e.state === 'RUNNING' && e.previous === 'PAUSED') return { kind: 'bot_resumed', ...base };
  if (e.state === 'RUNNING') return { kind: 'bot_started', ...base };
  if (e.state === 'PAUSED') return { kind: 'bot_paused', ...base, ...(e.reason === undefined ? {} : { reason: e.reason }) };
  if (e.state === 'STOPPED') return { kind: 'bot_stopped', ...base, ...(e.reason === undefined ? {} : { reason: e.reason }) };
  if (e.state === 'ERROR') return { kind: 'bot_error', ...base, message: e.reason ?? 'unexpected error' };
  return undefined;
}
