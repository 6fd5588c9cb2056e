// Reads commands with getUpdates long polling: one request waits up to `pollTimeoutSec` for new
// messages; each answer moves the offset past what it delivered, which is how Telegram learns
// they were received. Errors back off; a rejected token stops polling until the settings change.
import type { Clock, TimerHandle } from '@mm/core';
import { backoffDelay } from './backoff.ts';
import type { CommandHandler } from './commands.ts';
import { safeLog, type NotifyLogger } from './ports.ts';
import { explainFailure, TelegramApi, type FetchLike } from './telegram-api.ts';
import type { ChannelError } from './telegram-sender.ts';

interface TelegramMessage {
  readonly chat?: { readonly id?: number | string };
  readonly from?: { readonly id?: number; readonly username?: string };
  readonly text?: string;
  readonly date?: number;
}

export interface TelegramUpdate {
  readonly update_id: number;
  readonly message?: TelegramMessage;
  readonly channel_post?: TelegramMessage;
}

export type ListenerState = 'stopped' | 'polling' | 'retrying' | 'auth_failed';

export interface CommandListenerStatus {
  readonly state: ListenerState;
  /** Next update id asked for. */
  readonly offset: number;
  readonly updates: number;
  readonly botUsername?: string;
  readonly lastUpdateAt?: number;
  readonly lastError?: ChannelError;
}

export interface CommandListenerOptions {
  readonly clock: Clock;
  readonly logger: NotifyLogger;
  readonly handler: CommandHandler;
  /** Sends a reply to one chat (through the rate-limited sender). */
  readonly reply: (chatId: string, html: string) => void;
  readonly fetch?: FetchLike;
  readonly pollTimeoutSec?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
}

export class CommandListener {
  private readonly clock: Clock;
  private readonly pollTimeoutSec: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private api: TelegramApi | undefined;
  private generation = 0;
  private offset = 0;
  private updates = 0;
  private state: ListenerState = 'stopped';
  private username: string | undefined;
  private lastUpdateAt: number | undefined;
  private lastError: ChannelError | undefined;
  private sleepTimer: TimerHandle | undefined;
  private wakeSleeper: (() => void) | undefined;
  private target: { apiBase: string; token: string } | undefined;

  constructor(private readonly options: CommandListenerOptions) {
    this.clock = options.clock;
    this.pollTimeoutSec = options.pollTimeoutSec ?? 25;
    this.retryBaseMs = options.retryBaseMs ?? 1_000;
    this.retryMaxMs = options.retryMaxMs ?? 60_000;
  }

  get botUsername(): string | undefined {
    return this.username;
  }

  /** Starts, restarts (new token or API base) or, with `undefined`, stops polling. */
  configure(target: { readonly apiBase: string; readonly token: string } | undefined): void {
    if (target?.apiBase === this.target?.apiBase && target?.token === this.target?.token && this.state !== 'stopped') return;
    const previousToken = this.target?.token;
    this.halt();
    this.target = target === undefined ? undefined : { ...target };
    if (target === undefined) return;
    // update ids belong to one bot: another token starts from that bot's own backlog
    if (target.token !== previousToken) this.offset = 0;
    this.username = undefined;
    this.lastError = undefined;
    const api = new TelegramApi({ apiBase: target.apiBase, token: target.token, clock: this.clock, ...(this.options.fetch === undefined ? {} : { fetch: this.options.fetch }) });
    this.api = api;
    this.state = 'polling';
    void this.run(api, this.generation);
  }

  stop(): void {
    this.halt();
    this.target = undefined;
  }

  status(): CommandListenerStatus {
    return {
      state: this.state,
      offset: this.offset,
      updates: this.updates,
      ...(this.username === undefined ? {} : { botUsername: this.username }),
      ...(this.lastUpdateAt === undefined ? {} : { lastUpdateAt: this.lastUpdateAt }),
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  private halt(): void {
    this.generation++;
    this.api?.abortAll();
    this.api = undefined;
    this.clock.clearTimer(this.sleepTimer);
    this.sleepTimer = undefined;
    this.wakeSleeper?.();
    this.wakeSleeper = undefined;
    this.state = 'stopped';
  }

  private async run(api: TelegramApi, generation: number): Promise<void> {
    let failures = 0;
    const live = () => generation === this.generation;
    while (live()) {
      if (this.username === undefined) {
        // our username tells group commands for us (/status@our_bot) from those for other bots
        const me = await api.call<{ username?: string }>('getMe', {});
        if (!live()) return;
        if (me.ok) this.username = me.result.username;
        else if (me.kind === 'unauthorized') return this.authFailed(explainFailure(me, api.apiBase));
        // other failures: getUpdates fails the same way just below and backs off
      }
      const answer = await api.call<TelegramUpdate[]>(
        'getUpdates',
        { offset: this.offset, timeout: this.pollTimeoutSec, allowed_updates: ['message', 'channel_post'] },
        // the server holds the request for the poll timeout; allow for it plus a slow network
        { timeoutMs: (this.pollTimeoutSec + 15) * 1000 },
      );
      if (!live()) return;
      if (!answer.ok) {
        if (answer.kind === 'aborted') return;
        const message = explainFailure(answer, api.apiBase);
        if (answer.kind === 'unauthorized') return this.authFailed(message);
        failures++;
        this.state = 'retrying';
        this.lastError = { message, at: this.clock.now() };
        const delay = answer.kind === 'rate_limited' ? (answer.retryAfterMs ?? this.retryBaseMs) : backoffDelay(failures, this.retryBaseMs, this.retryMaxMs);
        safeLog(this.options.logger, 'warn', `telegram: getUpdates failed (${answer.kind}): ${answer.description}; retry in ${delay} ms`);
        await this.sleep(delay);
        continue;
      }
      failures = 0;
      this.state = 'polling';
      const batch = Array.isArray(answer.result) ? answer.result : [];
      for (const update of batch) {
        if (!live()) return;
        if (typeof update?.update_id !== 'number' || update.update_id < this.offset) continue;
        // confirmed before acting: a command that crashes the handler is not re-run forever
        this.offset = update.update_id + 1;
        this.updates++;
        this.lastUpdateAt = this.clock.now();
        await this.process(update);
      }
    }
  }

  private async process(update: TelegramUpdate): Promise<void> {
    const message = update.message ?? update.channel_post;
    if (message?.chat?.id === undefined) return;
    const chatId = String(message.chat.id);
    try {
      const replies = await this.options.handler.handle({
        chatId,
        text: typeof message.text === 'string' ? message.text : '',
        ...(message.from?.id === undefined ? {} : { userId: String(message.from.id) }),
        ...(message.from?.username === undefined ? {} : { username: message.from.username }),
        ...(typeof message.date === 'number' ? { sentAt: message.date * 1000 } : {}),
      });
      for (const html of replies) this.options.reply(chatId, html);
    } catch (error) {
      safeLog(this.options.logger, 'error', `telegram: handling update ${update.update_id} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private authFailed(message: string): void {
    this.state = 'auth_failed';
    this.lastError = { message, at: this.clock.now() };
    safeLog(this.options.logger, 'error', `telegram: ${message}`);
  }

  /** A back-off wait that stop() cuts short, so no timer outlives the listener. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeSleeper = resolve;
      this.sleepTimer = this.clock.setTimeout(() => {
        this.sleepTimer = undefined;
        this.wakeSleeper = undefined;
        resolve();
      }, ms);
    });
  }
}
