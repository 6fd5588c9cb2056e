// The few Bot API calls we make, over plain fetch. A call never throws: every outcome, from a
// 429 to a refused connection, comes back as a value the caller can act on, with a description
// a person can read. The token is part of the URL, so it is scrubbed from every description.
import type { Clock } from '@mm/core';
import { scrubSecret } from './redaction.ts';

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{
  readonly status: number;
  text(): Promise<string>;
  readonly headers: { get(name: string): string | null };
}>;

export type TelegramFailureKind =
  | 'rate_limited'
  | 'unauthorized'
  | 'bad_request'
  | 'forbidden'
  | 'conflict'
  | 'server'
  | 'network'
  | 'timeout'
  | 'protocol'
  | 'aborted';

export interface TelegramFailure {
  readonly ok: false;
  readonly kind: TelegramFailureKind;
  readonly status?: number;
  readonly description: string;
  readonly retryAfterMs?: number;
  /** A group became a supergroup and has a new id. */
  readonly migrateToChatId?: number;
}

export type TelegramResult<T> = { readonly ok: true; readonly result: T } | TelegramFailure;

export interface TelegramApiConfig {
  readonly apiBase: string;
  readonly token: string;
  readonly clock: Clock;
  readonly fetch?: FetchLike;
  /** Per call unless the call says otherwise. */
  readonly timeoutMs?: number;
}

interface TelegramEnvelope {
  ok?: unknown;
  result?: unknown;
  error_code?: unknown;
  description?: unknown;
  parameters?: { retry_after?: unknown; migrate_to_chat_id?: unknown };
}

function kindOfStatus(status: number): TelegramFailureKind {
  if (status === 429) return 'rate_limited';
  // Telegram answers 401 to a well-formed but revoked token and 404 to a malformed one
  if (status === 401 || status === 404) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 409) return 'conflict';
  if (status >= 500) return 'server';
  if (status >= 400) return 'bad_request';
  return 'protocol';
}

function networkDescription(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause !== undefined && typeof cause.message === 'string' && cause.message !== '') return cause.message;
  if (cause !== undefined && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}

export class TelegramApi {
  private readonly inFlight = new Set<AbortController>();
  private readonly fetchImpl: FetchLike;
  readonly apiBase: string;

  constructor(private readonly config: TelegramApiConfig) {
    this.fetchImpl = config.fetch ?? (globalThis.fetch as unknown as FetchLike);
    this.apiBase = config.apiBase.replace(/\/+$/, '');
  }

  get pending(): number {
    return this.inFlight.size;
  }

  async call<T>(method: string, params: Readonly<Record<string, unknown>>, options: { timeoutMs?: number } = {}): Promise<TelegramResult<T>> {
    const controller = new AbortController();
    let timedOut = false;
    const timeoutMs = options.timeoutMs ?? this.config.timeoutMs ?? 10_000;
    const timer = this.config.clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    this.inFlight.add(controller);
    try {
      const response = await this.fetchImpl(`${this.apiBase}/bot${this.config.token}/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
        signal: controller.signal,
      });
      const text = await response.text();
      return this.interpret<T>(response.status, text);
    } catch (error) {
      if (timedOut) return { ok: false, kind: 'timeout', description: `no answer within ${Math.round(timeoutMs / 1000)} s` };
      if (controller.signal.aborted) return { ok: false, kind: 'aborted', description: 'cancelled' };
      return { ok: false, kind: 'network', description: this.scrub(networkDescription(error)) };
    } finally {
      this.config.clock.clearTimer(timer);
      this.inFlight.delete(controller);
    }
  }

  /** Cancels every call in flight (shutdown, settings change). */
  abortAll(): void {
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }

  private interpret<T>(status: number, text: string): TelegramResult<T> {
    let body: TelegramEnvelope | undefined;
    try {
      body = JSON.parse(text) as TelegramEnvelope;
    } catch {
      body = undefined;
    }
    if (body !== undefined && body.ok === true && status >= 200 && status < 300) return { ok: true, result: body.result as T };
    const code = typeof body?.error_code === 'number' ? body.error_code : status;
    const description =
      typeof body?.description === 'string' ? this.scrub(body.description) : `HTTP ${status}${body === undefined ? ' (not a Bot API answer)' : ''}`;
    const retryAfter = body?.parameters?.retry_after;
    const migrate = body?.parameters?.migrate_to_chat_id;
    return {
      ok: false,
      // a page that is not Bot API JSON (a wrong API base, a proxy) says nothing about the token
      kind: body === undefined && status < 500 && status !== 429 ? 'protocol' : kindOfStatus(code),
      status: code,
      description,
      ...(typeof retryAfter === 'number' && retryAfter >= 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      ...(typeof migrate === 'number' ? { migrateToChatId: migrate } : {}),
    };
  }

  private scrub(text: string): string {
    return scrubSecret(text, this.config.token);
  }
}

/** What the dashboard shows for a failed call. */
export function explainFailure(failure: TelegramFailure, apiBase: string): string {
  switch (failure.kind) {
    case 'unauthorized':
      return `Telegram rejected the bot token (${failure.status ?? 401} ${failure.description}). Copy the token again from @BotFather: /mybots → your bot → API Token.`;
    case 'rate_limited':
      return `Telegram asks to slow down (429); retrying after ${Math.ceil((failure.retryAfterMs ?? 1000) / 1000)} s.`;
    case 'network':
      return `Cannot reach the Telegram API at ${apiBase}: ${failure.description}. Check the network, a firewall or the API base URL.`;
    case 'timeout':
      return `The Telegram API at ${apiBase} did not answer (${failure.description}).`;
    case 'forbidden':
      return `Telegram refused (403 ${failure.description}): the bot was blocked, removed from the group, or may not write there.`;
    case 'bad_request':
      return failure.migrateToChatId === undefined
        ? `Telegram rejected the request (400 ${failure.description}). For "chat not found", send /start to the bot from that chat first and check the id.`
        : `The group became a supergroup; use its new chat id ${failure.migrateToChatId}.`;
    case 'conflict':
      return `Telegram reports a conflict (409 ${failure.description}): another program is reading this bot's updates, or a webhook is set on it.`;
    case 'server':
      return `Telegram had a server error (${failure.status ?? ''} ${failure.description}); retrying.`;
    case 'protocol':
      return `Unexpected answer from ${apiBase} (${failure.description}). Is the API base URL right?`;
    case 'aborted':
      return 'The request was cancelled.';
  }
}
