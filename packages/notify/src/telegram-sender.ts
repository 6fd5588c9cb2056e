// Delivers queued messages to Telegram chats within Telegram's limits: about one message per
// second per chat, 20 per minute per group, 30 per second per bot. One request per chat is in
// flight at a time, so order is kept; a 429 holds that chat for `retry_after`; network trouble
// backs off. Callers only ever touch the queues: nothing here is awaited by the caller, so a
// slow, hung or unreachable Telegram costs bounded memory and no caller time.
import type { Clock, TimerHandle } from '@mm/core';
import { backoffDelay } from './backoff.ts';
import { ChatQueue, type Batch, type OutgoingMessage } from './chat-queue.ts';
import { escapeHtml, fitHtml, htmlToPlain } from './html.ts';
import { safeLog, type NotifyLogger } from './ports.ts';
import { RateWindow } from './rate-window.ts';
import { explainFailure, TelegramApi, type FetchLike, type TelegramFailure } from './telegram-api.ts';

export interface TelegramLimits {
  /** Minimum spacing of messages to one chat. */
  readonly perChatIntervalMs: number;
  /** Messages per minute to one group (negative chat id). */
  readonly groupPerMinute: number;
  /** Messages per second over all chats. */
  readonly globalPerSecond: number;
  /** Messages waiting per chat before the oldest low-priority ones are dropped. */
  readonly queuePerChat: number;
  readonly requestTimeoutMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

export const DEFAULT_TELEGRAM_LIMITS: TelegramLimits = {
  perChatIntervalMs: 1_000,
  groupPerMinute: 20,
  globalPerSecond: 30,
  queuePerChat: 100,
  requestTimeoutMs: 10_000,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
};

export interface TelegramTarget {
  readonly apiBase: string;
  readonly token: string;
  readonly chatIds: readonly string[];
}

export type ChannelState = 'disabled' | 'ok' | 'retrying' | 'auth_failed';

export interface ChannelError {
  readonly message: string;
  readonly at: number;
  readonly chatId?: string;
}

export interface TelegramSenderStatus {
  readonly state: ChannelState;
  readonly queued: number;
  readonly inFlight: number;
  /** Telegram messages delivered (a merge counts once). */
  readonly sent: number;
  /** Alerts delivered (each part of a merge counts). */
  readonly delivered: number;
  readonly dropped: number;
  /** Alerts Telegram refused for good (chat not found, bot blocked). */
  readonly failed: number;
  readonly rateLimited: number;
  readonly lastSentAt?: number;
  readonly lastError?: ChannelError;
}

interface ChatState {
  readonly id: string;
  readonly queue: ChatQueue;
  readonly windows: readonly RateWindow[];
  holdUntil: number;
  failures: number;
  inFlight: Batch | undefined;
}

export interface TelegramSenderOptions {
  readonly clock: Clock;
  readonly logger: NotifyLogger;
  readonly limits?: Partial<TelegramLimits>;
  readonly fetch?: FetchLike;
}

export class TelegramSender {
  private readonly clock: Clock;
  private readonly logger: NotifyLogger;
  private readonly fetch: FetchLike | undefined;
  readonly limits: TelegramLimits;
  private readonly chats = new Map<string, ChatState>();
  private global: RateWindow;
  private api: TelegramApi | undefined;
  private target: TelegramTarget | undefined;
  /** Bumped on every reconfiguration so answers to old requests are ignored. */
  private generation = 0;
  private authFailed = false;
  private wakeTimer: TimerHandle | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;
  private sent = 0;
  private deliveredCount = 0;
  private droppedOutside = 0;
  private failed = 0;
  private rateLimited = 0;
  private lastSentAt: number | undefined;
  private lastError: ChannelError | undefined;

  constructor(options: TelegramSenderOptions) {
    this.clock = options.clock;
    this.logger = options.logger;
    this.fetch = options.fetch;
    this.limits = { ...DEFAULT_TELEGRAM_LIMITS, ...options.limits };
    this.global = new RateWindow(this.limits.globalPerSecond, 1_000);
  }

  /** Applies settings live; `undefined` switches Telegram off and discards what is queued. */
  configure(target: TelegramTarget | undefined): void {
    const credentialsChanged = target?.token !== this.target?.token || target?.apiBase !== this.target?.apiBase;
    if (credentialsChanged) {
      this.generation++;
      // in-flight batches are cancelled; they go back to their queue to be sent with the new setup
      for (const chat of this.chats.values()) {
        if (chat.inFlight !== undefined) chat.queue.putBack(chat.inFlight);
        chat.inFlight = undefined;
        chat.holdUntil = 0;
        chat.failures = 0;
      }
      this.api?.abortAll();
      this.api = target === undefined ? undefined : new TelegramApi({ apiBase: target.apiBase, token: target.token, clock: this.clock, timeoutMs: this.limits.requestTimeoutMs, ...(this.fetch === undefined ? {} : { fetch: this.fetch }) });
      this.authFailed = false;
      this.lastError = undefined;
    }
    this.target = target;
    const wanted = new Set(target?.chatIds ?? []);
    for (const [id, chat] of this.chats) {
      if (!wanted.has(id)) {
        this.droppedOutside += chat.queue.clear();
        this.chats.delete(id);
      }
    }
    for (const id of wanted) if (!this.chats.has(id)) this.chats.set(id, this.newChat(id));
    this.pump();
  }

  /** Queues a message for one configured chat. Never throws, never waits. */
  enqueue(chatId: string, message: OutgoingMessage): void {
    const chat = this.chats.get(chatId);
    if (chat === undefined || this.api === undefined || this.authFailed) {
      this.droppedOutside++;
      return;
    }
    chat.queue.push({ ...message, html: fitHtml(message.html) });
    if (chat.inFlight === undefined) this.pump();
  }

  /** Queues a message for every configured chat. */
  broadcast(message: OutgoingMessage): void {
    if (this.api === undefined || this.authFailed) {
      this.droppedOutside += this.chats.size;
      return;
    }
    const fitted = { ...message, html: fitHtml(message.html) };
    for (const chat of this.chats.values()) chat.queue.push(fitted);
    this.pump();
  }

  get enabled(): boolean {
    return this.api !== undefined;
  }

  /** Nothing queued and nothing in flight. */
  get idle(): boolean {
    for (const chat of this.chats.values()) if (chat.inFlight !== undefined || chat.queue.size > 0) return false;
    return true;
  }

  status(): TelegramSenderStatus {
    let queued = 0;
    let inFlight = 0;
    let dropped = this.droppedOutside;
    let retrying = false;
    const now = this.clock.now();
    for (const chat of this.chats.values()) {
      queued += chat.queue.size;
      dropped += chat.queue.dropped;
      if (chat.inFlight !== undefined) inFlight++;
      if (chat.failures > 0 || chat.holdUntil > now) retrying = true;
    }
    const state: ChannelState = this.api === undefined ? 'disabled' : this.authFailed ? 'auth_failed' : retrying ? 'retrying' : 'ok';
    return {
      state,
      queued,
      inFlight,
      sent: this.sent,
      delivered: this.deliveredCount,
      dropped,
      failed: this.failed,
      rateLimited: this.rateLimited,
      ...(this.lastSentAt === undefined ? {} : { lastSentAt: this.lastSentAt }),
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  /** Cancels requests and timers; queued messages stay until the next configure. */
  stop(): void {
    this.generation++;
    this.clock.clearTimer(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAt = Number.POSITIVE_INFINITY;
    for (const chat of this.chats.values()) {
      if (chat.inFlight !== undefined) chat.queue.putBack(chat.inFlight);
      chat.inFlight = undefined;
    }
    this.api?.abortAll();
    this.api = undefined;
    this.target = undefined;
  }

  private newChat(id: string): ChatState {
    const windows = [new RateWindow(1, this.limits.perChatIntervalMs)];
    // groups, supergroups and channels have negative ids and a per-minute cap
    if (id.startsWith('-')) windows.push(new RateWindow(this.limits.groupPerMinute, 60_000));
    return { id, queue: new ChatQueue(this.limits.queuePerChat), windows, holdUntil: 0, failures: 0, inFlight: undefined };
  }

  /** Starts every send that is allowed now and sets one timer for the next that will be. */
  private pump(): void {
    const api = this.api;
    if (api === undefined || this.authFailed) return;
    const now = this.clock.now();
    let wake = Number.POSITIVE_INFINITY;
    for (const chat of this.chats.values()) {
      if (chat.inFlight !== undefined || chat.queue.size === 0) continue;
      let at = Math.max(chat.holdUntil, this.global.nextFree(now));
      for (const window of chat.windows) at = Math.max(at, window.nextFree(now));
      if (at > now) {
        wake = Math.min(wake, at);
        continue;
      }
      this.start(api, chat, now);
    }
    this.scheduleWake(wake);
  }

  private scheduleWake(at: number): void {
    if (!Number.isFinite(at) || at >= this.wakeAt) return;
    this.clock.clearTimer(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = this.clock.setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, at - this.clock.now());
  }

  private start(api: TelegramApi, chat: ChatState, now: number): void {
    const batch = chat.queue.takeBatch();
    if (batch === undefined) return;
    chat.inFlight = batch;
    this.global.record(now);
    for (const window of chat.windows) window.record(now);
    void this.deliver(api, chat, batch, this.generation);
  }

  private async deliver(api: TelegramApi, chat: ChatState, batch: Batch, generation: number): Promise<void> {
    const result = await api.call('sendMessage', {
      chat_id: chat.id,
      text: batch.html,
      parse_mode: 'HTML',
      disable_notification: batch.silent,
      link_preview_options: { is_disabled: true },
    });
    // settings changed or stop() while this was in flight: the batch was already put back
    if (generation !== this.generation || chat.inFlight !== batch) return;
    chat.inFlight = undefined;
    const now = this.clock.now();
    if (result.ok) {
      this.sent++;
      this.deliveredCount += batch.messages.length;
      this.lastSentAt = now;
      chat.failures = 0;
      chat.queue.delivered(batch);
    } else {
      this.onFailure(chat, batch, result, now);
    }
    this.pump();
  }

  private onFailure(chat: ChatState, batch: Batch, failure: TelegramFailure, now: number): void {
    const apiBase = this.api?.apiBase ?? '';
    this.lastError = { message: explainFailure(failure, apiBase), at: now, chatId: chat.id };
    switch (failure.kind) {
      case 'rate_limited':
        this.rateLimited++;
        chat.holdUntil = now + (failure.retryAfterMs ?? this.limits.retryBaseMs);
        chat.queue.putBack(batch);
        safeLog(this.logger, 'warn', `telegram: rate limited for chat ${chat.id}, waiting ${failure.retryAfterMs ?? this.limits.retryBaseMs} ms`);
        return;
      case 'unauthorized':
        // nothing will get through until the token is fixed; do not pile messages up meanwhile
        this.authFailed = true;
        chat.queue.putBack(batch);
        for (const c of this.chats.values()) c.queue.clear();
        safeLog(this.logger, 'error', `telegram: ${this.lastError.message}`);
        return;
      case 'bad_request':
        if (/can't parse entities/i.test(failure.description)) {
          // never expected (everything is escaped), but a message must not be lost to markup
          chat.queue.putBack(batch, batch.messages.map((m) => ({ ...m, html: escapeHtml(htmlToPlain(m.html)) })));
          return;
        }
        this.failed += batch.messages.length;
        safeLog(this.logger, 'warn', `telegram: message to chat ${chat.id} rejected: ${failure.description}`);
        return;
      case 'forbidden':
        this.failed += batch.messages.length;
        safeLog(this.logger, 'warn', `telegram: chat ${chat.id} refused the message: ${failure.description}`);
        return;
      case 'aborted':
        chat.queue.putBack(batch);
        return;
      case 'conflict':
      case 'network':
      case 'timeout':
      case 'server':
      case 'protocol':
        chat.failures++;
        chat.holdUntil = now + backoffDelay(chat.failures, this.limits.retryBaseMs, this.limits.retryMaxMs);
        chat.queue.putBack(batch);
        safeLog(this.logger, 'warn', `telegram: send to chat ${chat.id} failed (${failure.kind}): ${failure.description}; retry in ${chat.holdUntil - now} ms`);
        return;
    }
  }
}
