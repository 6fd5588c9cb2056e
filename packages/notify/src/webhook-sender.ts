// POSTs each alert as JSON to one URL (your own tool, Slack, Discord). One request at a time,
// in order, with a timeout; failures retry with back-off, a 429's Retry-After is honoured, a
// refusal (other 4xx) is final. The queue is bounded like Telegram's, so a dead endpoint costs
// bounded memory and no caller time.
import { createHmac } from 'node:crypto';
import type { Clock, TimerHandle, WebhookFormat } from '@mm/core';
import { backoffDelay } from './backoff.ts';
import { BoundedQueue } from './bounded-queue.ts';
import type { BotIdentity } from './events.ts';
import { safeLog, type NotifyLogger } from './ports.ts';
import type { FetchLike } from './telegram-api.ts';
import type { ChannelError, ChannelState } from './telegram-sender.ts';

/** The JSON body in the default `json` format. */
export interface WebhookEnvelope {
  readonly version: 1;
  /** Unique per delivery; retries of one alert keep it, so a receiver can de-duplicate. */
  readonly id: string;
  /** A message kind (risk_trip, fill_summary, daily_summary...) or `test`. */
  readonly kind: string;
  readonly silent: boolean;
  readonly at: number;
  readonly bot?: BotIdentity;
  readonly title: string;
  /** The alert as plain text, ready to show. */
  readonly text: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface WebhookTarget {
  readonly url: string;
  readonly secret: string;
  readonly format: WebhookFormat;
}

export interface WebhookLimits {
  readonly queueLimit: number;
  readonly timeoutMs: number;
  /** Attempts per alert before it is dropped. */
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

export const DEFAULT_WEBHOOK_LIMITS: WebhookLimits = { queueLimit: 200, timeoutMs: 10_000, maxAttempts: 5, retryBaseMs: 1_000, retryMaxMs: 60_000 };

export interface WebhookSenderStatus {
  readonly state: ChannelState;
  readonly queued: number;
  readonly inFlight: number;
  readonly sent: number;
  readonly dropped: number;
  readonly failed: number;
  readonly lastSentAt?: number;
  readonly lastError?: ChannelError;
}

interface QueuedDelivery {
  readonly envelope: WebhookEnvelope;
  readonly priority: number;
  attempts: number;
}

export const SIGNATURE_HEADER = 'x-mm-signature';
export const TIMESTAMP_HEADER = 'x-mm-timestamp';

/** `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` with the shared secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

const DISCORD_MAX = 2_000;
/** Discord's SUPPRESS_NOTIFICATIONS message flag: its equivalent of a silent Telegram message. */
const DISCORD_SILENT_FLAG = 4096;

export function webhookBody(envelope: WebhookEnvelope, format: WebhookTarget['format']): string {
  switch (format) {
    case 'json':
      return JSON.stringify(envelope);
    case 'slack':
      return JSON.stringify({ text: envelope.text });
    case 'discord': {
      const content = envelope.text.length <= DISCORD_MAX ? envelope.text : `${envelope.text.slice(0, DISCORD_MAX - 1)}…`;
      return JSON.stringify(envelope.silent ? { content, flags: DISCORD_SILENT_FLAG } : { content });
    }
  }
}

function retryAfterMs(header: string | null, body: string): number | undefined {
  if (header !== null && /^\d+(\.\d+)?$/.test(header.trim())) return Math.ceil(Number(header) * 1000);
  try {
    // Discord puts it in the body, in seconds
    const value = (JSON.parse(body) as { retry_after?: unknown }).retry_after;
    if (typeof value === 'number' && value >= 0) return Math.ceil(value * 1000);
  } catch {
    // not JSON: no hint
  }
  return undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'webhook';
  }
}

export interface WebhookSenderOptions {
  readonly clock: Clock;
  readonly logger: NotifyLogger;
  readonly limits?: Partial<WebhookLimits>;
  readonly fetch?: FetchLike;
}

export class WebhookSender {
  private readonly clock: Clock;
  private readonly logger: NotifyLogger;
  private readonly fetchImpl: FetchLike;
  readonly limits: WebhookLimits;
  private queue: BoundedQueue<QueuedDelivery>;
  private target: WebhookTarget | undefined;
  private inFlight: QueuedDelivery | undefined;
  private controller: AbortController | undefined;
  private generation = 0;
  private holdUntil = 0;
  private waitTimer: TimerHandle | undefined;
  private sent = 0;
  private failed = 0;
  private droppedOutside = 0;
  private lastSentAt: number | undefined;
  private lastError: ChannelError | undefined;

  constructor(options: WebhookSenderOptions) {
    this.clock = options.clock;
    this.logger = options.logger;
    this.fetchImpl = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
    this.limits = { ...DEFAULT_WEBHOOK_LIMITS, ...options.limits };
    this.queue = new BoundedQueue(this.limits.queueLimit);
  }

  configure(target: WebhookTarget | undefined): void {
    const changed = target?.url !== this.target?.url || target?.secret !== this.target?.secret || target?.format !== this.target?.format;
    if (!changed) return;
    this.generation++;
    this.controller?.abort();
    if (this.inFlight !== undefined) this.queue.unshift([this.inFlight]);
    this.inFlight = undefined;
    this.holdUntil = 0;
    this.lastError = undefined;
    this.target = target;
    if (target === undefined) this.droppedOutside += this.queue.clear();
    this.pump();
  }

  get enabled(): boolean {
    return this.target !== undefined;
  }

  get idle(): boolean {
    return this.inFlight === undefined && this.queue.size === 0;
  }

  /** Never throws, never waits. */
  enqueue(envelope: WebhookEnvelope, priority: number): void {
    if (this.target === undefined) return;
    this.queue.push({ envelope, priority, attempts: 0 });
    if (this.inFlight === undefined) this.pump();
  }

  status(): WebhookSenderStatus {
    const retrying = this.holdUntil > this.clock.now() || (this.inFlight?.attempts ?? 0) > 1;
    return {
      state: this.target === undefined ? 'disabled' : retrying ? 'retrying' : 'ok',
      queued: this.queue.size,
      inFlight: this.inFlight === undefined ? 0 : 1,
      sent: this.sent,
      dropped: this.queue.dropped + this.droppedOutside,
      failed: this.failed,
      ...(this.lastSentAt === undefined ? {} : { lastSentAt: this.lastSentAt }),
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  stop(): void {
    this.generation++;
    this.controller?.abort();
    this.clock.clearTimer(this.waitTimer);
    this.waitTimer = undefined;
    if (this.inFlight !== undefined) this.queue.unshift([this.inFlight]);
    this.inFlight = undefined;
    this.target = undefined;
  }

  private pump(): void {
    if (this.target === undefined || this.inFlight !== undefined || this.waitTimer !== undefined) return;
    const now = this.clock.now();
    if (this.holdUntil > now) {
      this.waitTimer = this.clock.setTimeout(() => {
        this.waitTimer = undefined;
        this.pump();
      }, this.holdUntil - now);
      return;
    }
    const next = this.queue.shift();
    if (next === undefined) return;
    this.inFlight = next;
    void this.deliver(this.target, next, this.generation);
  }

  private async deliver(target: WebhookTarget, item: QueuedDelivery, generation: number): Promise<void> {
    item.attempts++;
    const outcome = await this.post(target, item.envelope);
    if (generation !== this.generation) return;
    this.inFlight = undefined;
    const now = this.clock.now();
    if (outcome.ok) {
      this.sent++;
      this.lastSentAt = now;
      this.holdUntil = 0;
    } else {
      this.lastError = { message: `Webhook to ${hostOf(target.url)}: ${outcome.description}`, at: now };
      if (outcome.retryable && item.attempts < this.limits.maxAttempts) {
        this.holdUntil = now + (outcome.retryAfterMs ?? backoffDelay(item.attempts, this.limits.retryBaseMs, this.limits.retryMaxMs));
        this.queue.unshift([item]);
        safeLog(this.logger, 'warn', `webhook: delivery to ${hostOf(target.url)} failed (${outcome.description}); retry in ${this.holdUntil - now} ms`);
      } else {
        this.failed++;
        safeLog(this.logger, 'warn', `webhook: gave up on a ${item.envelope.kind} alert to ${hostOf(target.url)} after ${item.attempts} attempt(s): ${outcome.description}`);
      }
    }
    this.pump();
  }

  private async post(
    target: WebhookTarget,
    envelope: WebhookEnvelope,
  ): Promise<{ ok: true } | { ok: false; retryable: boolean; description: string; retryAfterMs?: number }> {
    const body = webhookBody(envelope, target.format);
    const timestamp = String(this.clock.now());
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'mm-engine-notify/1',
      'x-mm-event': envelope.kind,
      'x-mm-delivery': envelope.id,
      [TIMESTAMP_HEADER]: timestamp,
    };
    if (target.secret !== '') headers[SIGNATURE_HEADER] = signWebhook(target.secret, timestamp, body);
    const controller = new AbortController();
    this.controller = controller;
    let timedOut = false;
    const timer = this.clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.limits.timeoutMs);
    try {
      const response = await this.fetchImpl(target.url, { method: 'POST', headers, body, signal: controller.signal });
      const text = await response.text();
      if (response.status >= 200 && response.status < 300) return { ok: true };
      const retryAfter = response.status === 429 ? retryAfterMs(response.headers.get('retry-after'), text) : undefined;
      return {
        ok: false,
        retryable: response.status === 408 || response.status === 429 || response.status >= 500,
        description: `HTTP ${response.status}`,
        ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
      };
    } catch (error) {
      if (timedOut) return { ok: false, retryable: true, description: `no answer within ${Math.round(this.limits.timeoutMs / 1000)} s` };
      const cause = error instanceof Error ? (error.cause as { message?: unknown } | undefined) : undefined;
      const reason = typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
      // the URL may carry a token (Discord, Slack): describe the failure, never the URL
      return { ok: false, retryable: true, description: reason.split(target.url).join(hostOf(target.url)) };
    } finally {
      this.clock.clearTimer(timer);
      if (this.controller === controller) this.controller = undefined;
    }
  }
}
