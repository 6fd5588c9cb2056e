// A local stand-in for the Telegram Bot API (https://core.telegram.org/bots/api) with the parts
// the notifier uses: sendMessage, getMe, getChat and getUpdates long polling. It records every
// call, and a test can script it: answer 429 with retry_after, fail with a status, hang without
// answering, reject a wrong token the way Telegram does (401 Unauthorized / 404 Not Found).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { waitFor } from './wait.ts';

export interface RecordedCall {
  readonly method: string;
  readonly token: string;
  readonly body: Readonly<Record<string, unknown>>;
  /** performance.now() when the request arrived. */
  readonly at: number;
}

export interface SentMessage {
  readonly chatId: string;
  readonly text: string;
  readonly parseMode: string | undefined;
  readonly silent: boolean;
  readonly at: number;
}

interface ScriptedFailure {
  readonly status: number;
  readonly description: string;
  readonly retryAfter?: number;
}

interface Waiter {
  readonly offset: number;
  readonly res: ServerResponse;
  readonly timer: NodeJS.Timeout;
}

export interface FakeTelegramOptions {
  readonly token?: string;
  readonly botUsername?: string;
  /** Telegram answers 401 to a revoked token and 404 to a malformed one. */
  readonly wrongTokenStatus?: 401 | 404;
  /** Longest a getUpdates call is held, whatever its timeout asks (keeps tests quick). */
  readonly maxHoldMs?: number;
}

export const FAKE_TOKEN = '123456789:AAFakeTokenForTestsOnly_abcdefghijklm';

export class FakeTelegramServer {
  readonly calls: RecordedCall[] = [];
  readonly sent: SentMessage[] = [];
  /** Offsets the client asked getUpdates for, in order. */
  readonly offsets: number[] = [];
  token: string;
  botUsername: string;
  wrongTokenStatus: 401 | 404;
  /** Methods that receive no answer at all (the connection stays open). */
  readonly hanging = new Set<string>();
  /** Chat ids getChat knows; empty means every chat exists. */
  readonly knownChats = new Set<string>();
  private readonly failures = new Map<string, ScriptedFailure[]>();
  private readonly updates: Record<string, unknown>[] = [];
  private nextUpdateId = 1000;
  private readonly waiters = new Set<Waiter>();
  private readonly held = new Set<ServerResponse>();
  private readonly maxHoldMs: number;

  private constructor(
    private readonly server: Server,
    readonly apiBase: string,
    options: FakeTelegramOptions,
  ) {
    this.token = options.token ?? FAKE_TOKEN;
    this.botUsername = options.botUsername ?? 'mm_test_bot';
    this.wrongTokenStatus = options.wrongTokenStatus ?? 401;
    this.maxHoldMs = options.maxHoldMs ?? 2_000;
  }

  static async start(options: FakeTelegramOptions = {}): Promise<FakeTelegramServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeTelegramServer(server, `http://127.0.0.1:${port}`, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => fake.handle(req, res));
    return fake;
  }

  /** Makes every method hang (true) or answer again (false). */
  set hangAll(value: boolean) {
    for (const method of ['sendMessage', 'getMe', 'getChat', 'getUpdates']) {
      if (value) this.hanging.add(method);
      else this.hanging.delete(method);
    }
  }

  /** The next `count` sendMessage calls get 429 Too Many Requests with `retry_after`. */
  rateLimitNext(count: number, retryAfterSec: number, method = 'sendMessage'): void {
    for (let i = 0; i < count; i++) this.script(method, { status: 429, description: `Too Many Requests: retry after ${retryAfterSec}`, retryAfter: retryAfterSec });
  }

  /** The next `count` calls of `method` fail with this status. */
  failNext(method: string, count: number, status: number, description = 'Internal Server Error'): void {
    for (let i = 0; i < count; i++) this.script(method, { status, description });
  }

  /** Queues a text message as if a person sent it from `chatId`; returns its update id. */
  pushMessage(chatId: number | string, text: string, from: { id?: number; username?: string; date?: number } = {}): number {
    const updateId = this.nextUpdateId++;
    const id = Number(chatId);
    this.pushUpdate({
      update_id: updateId,
      message: {
        message_id: updateId,
        date: from.date ?? Math.floor(Date.now() / 1000),
        chat: { id, type: id < 0 ? 'supergroup' : 'private' },
        from: { id: from.id ?? Math.abs(id), is_bot: false, first_name: 'Op', username: from.username ?? 'operator' },
        text,
      },
    });
    return updateId;
  }

  pushUpdate(update: Record<string, unknown>): void {
    this.updates.push(update);
    for (const waiter of [...this.waiters]) {
      const ready = this.pending(waiter.offset);
      if (ready.length > 0) this.answerWaiter(waiter, ready);
    }
  }

  sentTo(chatId: string): SentMessage[] {
    return this.sent.filter((m) => m.chatId === chatId);
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  waitFor(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
    return waitFor(predicate, timeoutMs, what);
  }

  /** Held requests currently open (hanging or long polling). */
  get openRequests(): number {
    return this.held.size + this.waiters.size;
  }

  async close(): Promise<void> {
    for (const waiter of this.waiters) clearTimeout(waiter.timer);
    this.waiters.clear();
    this.held.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private script(method: string, failure: ScriptedFailure): void {
    const list = this.failures.get(method) ?? [];
    list.push(failure);
    this.failures.set(method, list);
  }

  private pending(offset: number): Record<string, unknown>[] {
    // Telegram forgets updates below the offset: they were confirmed
    while (this.updates.length > 0 && (this.updates[0]!['update_id'] as number) < offset) this.updates.shift();
    return this.updates.slice(0, 100);
  }

  private answerWaiter(waiter: Waiter, result: unknown[]): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
    this.json(waiter.res, 200, { ok: true, result });
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private fail(res: ServerResponse, failure: ScriptedFailure): void {
    this.json(res, failure.status, {
      ok: false,
      error_code: failure.status,
      description: failure.description,
      ...(failure.retryAfter === undefined ? {} : { parameters: { retry_after: failure.retryAfter } }),
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = /^\/bot([^/]*)\/([A-Za-z]+)/.exec(req.url ?? '');
      if (match === null) return this.json(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      const [, token = '', method = ''] = match;
      let body: Record<string, unknown> = {};
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      } catch {
        return this.json(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' });
      }
      this.calls.push({ method, token, body, at: performance.now() });
      if (this.hanging.has(method)) {
        // never answer; close() tears the connection down
        this.held.add(res);
        res.on('close', () => this.held.delete(res));
        return;
      }
      if (token !== this.token) {
        return this.json(res, this.wrongTokenStatus, { ok: false, error_code: this.wrongTokenStatus, description: this.wrongTokenStatus === 401 ? 'Unauthorized' : 'Not Found' });
      }
      const scripted = this.failures.get(method)?.shift();
      if (scripted !== undefined) return this.fail(res, scripted);
      switch (method) {
        case 'getMe':
          return this.json(res, 200, { ok: true, result: { id: Number(this.token.split(':')[0]), is_bot: true, first_name: 'MM Test', username: this.botUsername } });
        case 'getChat': {
          const chatId = String(body['chat_id']);
          if (this.knownChats.size > 0 && !this.knownChats.has(chatId)) return this.json(res, 400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
          const id = Number(chatId);
          return this.json(res, 200, { ok: true, result: id < 0 ? { id, type: 'supergroup', title: 'Ops group' } : { id, type: 'private', first_name: 'Op' } });
        }
        case 'sendMessage':
          return this.sendMessage(body, res);
        case 'getUpdates':
          return this.getUpdates(body, res);
        default:
          return this.json(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
      }
    });
  }

  private sendMessage(body: Record<string, unknown>, res: ServerResponse): void {
    const text = body['text'];
    if (typeof text !== 'string' || text === '') return this.json(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message text is empty' });
    if (text.length > 4096) return this.json(res, 400, { ok: false, error_code: 400, description: 'Bad Request: message is too long' });
    const parseMode = typeof body['parse_mode'] === 'string' ? body['parse_mode'] : undefined;
    if (parseMode === 'HTML' && !wellFormedHtml(text)) {
      return this.json(res, 400, { ok: false, error_code: 400, description: "Bad Request: can't parse entities: unsupported start tag" });
    }
    const message: SentMessage = { chatId: String(body['chat_id']), text, parseMode, silent: body['disable_notification'] === true, at: performance.now() };
    this.sent.push(message);
    this.json(res, 200, { ok: true, result: { message_id: this.sent.length, date: Math.floor(Date.now() / 1000), chat: { id: Number(message.chatId) }, text } });
  }

  private getUpdates(body: Record<string, unknown>, res: ServerResponse): void {
    const offset = typeof body['offset'] === 'number' ? body['offset'] : 0;
    this.offsets.push(offset);
    const ready = this.pending(offset);
    const timeoutSec = typeof body['timeout'] === 'number' ? body['timeout'] : 0;
    if (ready.length > 0 || timeoutSec <= 0) return this.json(res, 200, { ok: true, result: ready });
    const waiter: Waiter = {
      offset,
      res,
      timer: setTimeout(() => this.answerWaiter(waiter, []), Math.min(timeoutSec * 1000, this.maxHoldMs)),
    };
    this.waiters.add(waiter);
    // the response's close (not the request's, which fires once the body is read) means the client went away
    res.on('close', () => {
      if (!res.writableEnded) {
        clearTimeout(waiter.timer);
        this.waiters.delete(waiter);
      }
    });
  }
}

const ALLOWED_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'code', 'pre', 'a', 'tg-spoiler', 'span', 'blockquote']);

/**
 * Telegram's HTML rules, strictly enough to catch our mistakes: only known tags, properly
 * nested, and `<`, `>`, `&` escaped everywhere else.
 */
export function wellFormedHtml(text: string): boolean {
  const stack: string[] = [];
  const tag = /<(\/?)([a-z-]+)(?:\s[^<>]*)?>|[<>]|&(?!(?:amp|lt|gt|quot|#\d+|#x[0-9a-f]+);)/gi;
  for (let m = tag.exec(text); m !== null; m = tag.exec(text)) {
    const name = m[2]?.toLowerCase();
    if (name === undefined || !ALLOWED_TAGS.has(name)) return false;
    if (m[1] === '/') {
      if (stack.pop() !== name) return false;
    } else {
      stack.push(name);
    }
  }
  return stack.length === 0;
}

/** An API base on 127.0.0.1 where nothing listens: every connection is refused. */
export async function refusedApiBase(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
