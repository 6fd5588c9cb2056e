// The one object the server holds. `publish` is called from the trading path, so it only does
// synchronous, bounded work: look up the event's setting, format a short message, push it on
// bounded queues (or add a fill to its per-bot summary). All network I/O happens later in the
// senders, whose failures are recorded for the dashboard and never reach the caller.
import type { Clock } from '@mm/core';
import { FillAggregator, formatFillSummary, type FillSummary } from './fill-summary.ts';
import type { Priority } from './chat-queue.ts';
import { CommandHandler } from './commands.ts';
import { CommandListener, type CommandListenerStatus } from './command-listener.ts';
import { testTelegramConnection, type ConnectionTestResult } from './connection-test.ts';
import { dailySummaryContent, DailySummaryScheduler } from './daily-summary.ts';
import { isNotifyEventKind, messageKindOf, type MessageKind, type NotifyEvent } from './events.ts';
import { formatEvent } from './format-event.ts';
import { renderHtml, renderPlain, type Message } from './message.ts';
import { safeLog, stderrLogger, type AuditSink, type ControlPort, type NotifyLogger } from './ports.ts';
import { describeIssues, isMaskedSecret, type SettingsUpdateResult } from './redaction.ts';
import { defaultNotificationSettings, notificationSettingsSchema, type EventMode, type NotificationSettings } from './settings.ts';
import type { FetchLike } from './telegram-api.ts';
import { TelegramSender, type TelegramLimits, type TelegramSenderStatus } from './telegram-sender.ts';
import { WebhookSender, type WebhookEnvelope, type WebhookLimits, type WebhookSenderStatus } from './webhook-sender.ts';

/** What survives a full queue longest: alerts that need a person, then lifecycle, then statistics. */
const PRIORITY: Readonly<Record<MessageKind, Priority>> = {
  fill_summary: 0,
  daily_summary: 1,
  bot_started: 1,
  bot_stopped: 1,
  bot_paused: 1,
  bot_resumed: 1,
  connection_restored: 1,
  bot_error: 2,
  risk_trip: 2,
  kill_switch: 2,
  connection_lost: 2,
};

export interface NotifierOptions {
  readonly clock: Clock;
  /** Validated settings; everything off when absent. */
  readonly settings?: NotificationSettings;
  readonly control?: ControlPort;
  readonly audit?: AuditSink;
  readonly logger?: NotifyLogger;
  /** Replaces global fetch (tests, proxies). */
  readonly fetch?: FetchLike;
  readonly telegramLimits?: Partial<TelegramLimits>;
  readonly webhookLimits?: Partial<WebhookLimits>;
  readonly commands?: {
    readonly pollTimeoutSec?: number;
    readonly killConfirmMs?: number;
    readonly maxCommandAgeMs?: number;
    readonly controlTimeoutMs?: number;
    readonly retryBaseMs?: number;
    readonly retryMaxMs?: number;
  };
}

export interface NotifierCounters {
  /** Events handed to publish. */
  readonly published: number;
  /** Events whose setting is off, or with no channel enabled. */
  readonly skipped: number;
  /** Events that were not valid NotifyEvents. */
  readonly invalid: number;
  /** Failures inside publish that were contained (should stay 0). */
  readonly internalErrors: number;
}

export interface NotifierStatus {
  readonly started: boolean;
  readonly telegram: TelegramSenderStatus;
  readonly commands: CommandListenerStatus;
  readonly webhook: WebhookSenderStatus;
  /** Bots with fills waiting for their next summary. */
  readonly pendingFillSummaries: number;
  readonly nextDailySummaryAt?: number;
  readonly counters: NotifierCounters;
}

export interface ConnectionTestOverride {
  readonly botToken?: string;
  readonly apiBase?: string;
  readonly chatIds?: readonly string[];
}

export class Notifier {
  private readonly clock: Clock;
  private readonly logger: NotifyLogger;
  private readonly control: ControlPort | undefined;
  private readonly fetch: FetchLike | undefined;
  private readonly telegram: TelegramSender;
  private readonly webhook: WebhookSender;
  private readonly listener: CommandListener;
  private readonly fills: FillAggregator;
  private readonly daily: DailySummaryScheduler;
  private settings: NotificationSettings;
  private started = false;
  private sequence = 0;
  private published = 0;
  private skipped = 0;
  private invalid = 0;
  private internalErrors = 0;

  constructor(options: NotifierOptions) {
    this.clock = options.clock;
    this.logger = options.logger ?? stderrLogger;
    this.control = options.control;
    this.fetch = options.fetch;
    this.settings = options.settings ?? defaultNotificationSettings();
    const fetchOption = options.fetch === undefined ? {} : { fetch: options.fetch };
    this.telegram = new TelegramSender({ clock: this.clock, logger: this.logger, ...fetchOption, ...(options.telegramLimits === undefined ? {} : { limits: options.telegramLimits }) });
    this.webhook = new WebhookSender({ clock: this.clock, logger: this.logger, ...fetchOption, ...(options.webhookLimits === undefined ? {} : { limits: options.webhookLimits }) });
    const handler = new CommandHandler({
      clock: this.clock,
      logger: this.logger,
      ...(options.control === undefined ? {} : { control: options.control }),
      ...(options.audit === undefined ? {} : { audit: options.audit }),
      allowedChats: () => this.settings.telegram.chatIds,
      botUsername: () => this.listener.botUsername,
      statusLines: () => this.healthLines(),
      ...(options.commands?.killConfirmMs === undefined ? {} : { killConfirmMs: options.commands.killConfirmMs }),
      ...(options.commands?.maxCommandAgeMs === undefined ? {} : { maxCommandAgeMs: options.commands.maxCommandAgeMs }),
      ...(options.commands?.controlTimeoutMs === undefined ? {} : { controlTimeoutMs: options.commands.controlTimeoutMs }),
    });
    this.listener = new CommandListener({
      clock: this.clock,
      logger: this.logger,
      handler,
      reply: (chatId, html) => this.telegram.enqueue(chatId, { html, silent: false, priority: 2 }),
      ...fetchOption,
      ...(options.commands?.pollTimeoutSec === undefined ? {} : { pollTimeoutSec: options.commands.pollTimeoutSec }),
      ...(options.commands?.retryBaseMs === undefined ? {} : { retryBaseMs: options.commands.retryBaseMs }),
      ...(options.commands?.retryMaxMs === undefined ? {} : { retryMaxMs: options.commands.retryMaxMs }),
    });
    this.fills = new FillAggregator(this.clock, this.settings.fillSummaryIntervalMs, (summary) => this.onFillSummary(summary));
    this.daily = new DailySummaryScheduler(this.clock, () => void this.sendDailySummary());
    this.apply();
  }

  /** Starts what runs on its own: command polling and the daily summary. Alerts flow from construction. */
  start(): void {
    this.started = true;
    this.apply();
  }

  /** Cancels requests and timers. Call `flush()` and `drain()` first to deliver what is pending. */
  stop(): void {
    this.started = false;
    this.listener.stop();
    this.daily.stop();
    this.fills.clear();
    this.telegram.stop();
    this.webhook.stop();
  }

  /**
   * Hands an event to the notifier. Synchronous and bounded; never throws and never waits for
   * the network, whatever state Telegram or the webhook are in.
   */
  publish(event: NotifyEvent): void {
    try {
      this.published++;
      if (!isValidEvent(event)) {
        this.invalid++;
        return;
      }
      const kind = messageKindOf(event.kind);
      const mode = this.settings.events[kind];
      if (mode === 'off' || (!this.telegram.enabled && !this.webhook.enabled)) {
        this.skipped++;
        return;
      }
      if (event.kind === 'fill') this.fills.add(event);
      else this.dispatch(formatEvent(event), mode);
    } catch (error) {
      this.internalErrors++;
      safeLog(this.logger, 'error', `notify: could not handle a ${String((event as { kind?: unknown } | undefined)?.kind)} event: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Applies new settings live (validated again here; invalid settings are refused, old ones stay). */
  updateSettings(next: NotificationSettings): SettingsUpdateResult {
    const parsed = notificationSettingsSchema.safeParse(next);
    if (!parsed.success) {
      const described = describeIssues(parsed.error);
      safeLog(this.logger, 'error', `notify: settings refused: ${described.message}`);
      return { ok: false, ...described };
    }
    this.settings = parsed.data;
    this.apply();
    return { ok: true, settings: parsed.data };
  }

  get currentSettings(): NotificationSettings {
    return this.settings;
  }

  /** Sends every open fill summary now (before shutdown, or from the dashboard). */
  flush(): void {
    this.fills.flush();
  }

  /** Resolves when nothing is queued or in flight, or after `timeoutMs` (false). */
  async drain(timeoutMs: number, pollMs = 50): Promise<boolean> {
    const deadline = this.clock.now() + timeoutMs;
    while (!(this.telegram.idle && this.webhook.idle)) {
      if (this.clock.now() >= deadline) return false;
      await this.clock.sleep(pollMs);
    }
    return true;
  }

  /**
   * getMe with the stored token, or with the values of a form not yet saved (a masked token in
   * the override means "the stored one"). Never throws: wrong token, unreachable API and the
   * like come back as `{ ok: false, code, message }`.
   */
  async testConnection(override: ConnectionTestOverride = {}): Promise<ConnectionTestResult> {
    const t = this.settings.telegram;
    const token = override.botToken === undefined || isMaskedSecret(override.botToken) ? t.botToken : override.botToken.trim();
    return testTelegramConnection({
      apiBase: override.apiBase ?? t.apiBase,
      token,
      chatIds: override.chatIds ?? t.chatIds,
      clock: this.clock,
      ...(this.fetch === undefined ? {} : { fetch: this.fetch }),
    });
  }

  /** Queues a test message on every enabled channel (the dashboard's "Send test"). */
  sendTestMessage(): void {
    this.dispatch({ kind: 'test', icon: '🔔', title: 'Test message', lines: ['Notifications reach this chat.'], data: {}, at: this.clock.now() }, 'on');
  }

  /** Builds and sends the daily summary now (the scheduler calls this at the configured hour). */
  async sendDailySummary(): Promise<void> {
    const mode = this.settings.events.daily_summary;
    if (mode === 'off' || this.control === undefined) return;
    try {
      const bots = await this.control.listBots();
      const at = this.clock.now();
      const content = dailySummaryContent(bots, at, this.settings.dailySummary.timezone);
      for (const html of content.html) this.telegram.broadcast({ html, silent: mode === 'silent', priority: PRIORITY.daily_summary });
      this.webhook.enqueue(this.envelope('daily_summary', mode, at, content.title, content.plain, content.data), PRIORITY.daily_summary);
    } catch (error) {
      safeLog(this.logger, 'error', `notify: daily summary failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  status(): NotifierStatus {
    const next = this.daily.nextAt;
    return {
      started: this.started,
      telegram: this.telegram.status(),
      commands: this.listener.status(),
      webhook: this.webhook.status(),
      pendingFillSummaries: this.fills.pendingBots,
      ...(next === undefined ? {} : { nextDailySummaryAt: next }),
      counters: { published: this.published, skipped: this.skipped, invalid: this.invalid, internalErrors: this.internalErrors },
    };
  }

  private apply(): void {
    const s = this.settings;
    const telegramOn = s.telegram.enabled && s.telegram.botToken !== '' && s.telegram.chatIds.length > 0;
    this.telegram.configure(telegramOn ? { apiBase: s.telegram.apiBase, token: s.telegram.botToken, chatIds: s.telegram.chatIds } : undefined);
    this.webhook.configure(s.webhook.enabled && s.webhook.url !== '' ? { url: s.webhook.url, secret: s.webhook.secret, format: s.webhook.format } : undefined);
    this.listener.configure(this.started && telegramOn && s.telegram.commands ? { apiBase: s.telegram.apiBase, token: s.telegram.botToken } : undefined);
    this.fills.setInterval(s.fillSummaryIntervalMs);
    const dailyOn = this.started && s.dailySummary.enabled && s.events.daily_summary !== 'off';
    if (dailyOn) this.daily.configure({ hour: s.dailySummary.hour, timezone: s.dailySummary.timezone });
    else this.daily.stop();
  }

  private onFillSummary(summary: FillSummary): void {
    const mode = this.settings.events.fill_summary;
    if (mode === 'off') return;
    this.dispatch(formatFillSummary(summary), mode);
  }

  private dispatch(message: Message, mode: Exclude<EventMode, 'off'>): void {
    const priority = message.kind === 'test' ? 2 : PRIORITY[message.kind];
    if (this.telegram.enabled) this.telegram.broadcast({ html: renderHtml(message), silent: mode === 'silent', priority });
    if (this.webhook.enabled) {
      const envelope = this.envelope(message.kind, mode, message.at, message.title, renderPlain(message), message.data, message);
      this.webhook.enqueue(envelope, priority);
    }
  }

  private envelope(kind: string, mode: EventMode, at: number, title: string, text: string, data: Readonly<Record<string, unknown>>, message?: Message): WebhookEnvelope {
    this.sequence++;
    return {
      version: 1,
      id: `${this.clock.now().toString(36)}-${this.sequence.toString(36)}`,
      kind,
      silent: mode === 'silent',
      at,
      ...(message?.bot === undefined ? {} : { bot: message.bot }),
      title,
      text,
      data,
    };
  }

  private healthLines(): string[] {
    const t = this.telegram.status();
    const lines = [`Alerts: telegram ${t.state} · queued ${t.queued} · dropped ${t.dropped}`];
    if (this.webhook.enabled) {
      const w = this.webhook.status();
      lines.push(`Webhook: ${w.state} · queued ${w.queued} · failed ${w.failed}`);
    }
    return lines;
  }
}

function isValidEvent(event: unknown): event is NotifyEvent {
  if (typeof event !== 'object' || event === null) return false;
  const e = event as { kind?: unknown; bot?: { id?: unknown; name?: unknown; venue?: unknown; symbol?: unknown }; at?: unknown };
  return (
    isNotifyEventKind(e.kind) &&
    typeof e.at === 'number' &&
    typeof e.bot === 'object' &&
    e.bot !== null &&
    typeof e.bot.id === 'string' &&
    typeof e.bot.name === 'string' &&
    typeof e.bot.venue === 'string' &&
    typeof e.bot.symbol === 'string'
  );
}
