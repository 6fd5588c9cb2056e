// Pushes the engine's live state to dashboards. Every client gets at most one frame per 100 ms:
// the latest stats (and, for the bot it watches, the latest book) per bot, plus every order,
// fill, risk and log event since the previous frame. A slow client loses old frames rather
// than holding memory or slowing trading.
import type { BotSummaryDto, WsClientMessage, WsServerMessage } from '@mm/core';
import type { FleetView } from '@mm/runner';
import type { WebSocket } from 'ws';
import { bookDto, liveFillDto, liveOrderDto, statsDto } from '../bots/dto.ts';

const FLUSH_MS = 100;
/** Events kept per client between flushes; beyond it the oldest are dropped (and counted). */
const MAX_QUEUED = 500;
/** A client whose socket holds more than this unsent is skipped until it drains. */
const MAX_BUFFERED = 1_000_000;

interface Client {
  readonly socket: WebSocket;
  watching: string | undefined;
  readonly latest: Map<string, WsServerMessage>;
  readonly queue: WsServerMessage[];
  dropped: number;
  lastBookSequence: number;
}

export class WsHub {
  private readonly clients = new Set<Client>();
  private readonly timer: NodeJS.Timeout;
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly manager: FleetView,
    private readonly summarize: (botId: string) => Promise<BotSummaryDto | undefined>,
  ) {
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.timer.unref();
    const ev = manager.events;
    this.offs.push(
      ev.on('stats', (s) => this.coalesce({ type: 'stats', botId: s.botId, data: statsDto(s) }, `stats:${s.botId}`)),
      ev.on('state', (e) => {
        void this.summarize(e.botId).then((data) => data !== undefined && this.coalesce({ type: 'bot', botId: e.botId, data }, `bot:${e.botId}`));
      }),
      ev.on('order', (e) => this.broadcast({ type: 'order', botId: e.botId, data: liveOrderDto(e.botId, e.order, e.tag, this.instrumentOf(e.botId)) }, e.botId)),
      ev.on('fill', (e) => this.broadcast({ type: 'fill', botId: e.botId, data: liveFillDto(e.botId, e.venue, e.fill, e.tag, e.notional, this.instrumentOf(e.botId)) })),
      ev.on('risk', (e) =>
        this.broadcast({ type: 'risk', botId: e.botId, data: { id: `live-${e.at}-${e.rule}`, botId: e.botId, type: e.type, rule: e.rule, value: e.value, limit: e.limit, action: e.action, message: e.message, at: e.at } }),
      ),
      ev.on('log', (e) => {
        if (e.level === 'debug') return;
        this.broadcast({ type: 'log', botId: e.botId, data: { id: `live-${e.at}`, botId: e.botId, level: e.level, kind: 'log', message: e.message, details: e.details, at: e.at } });
      }),
    );
  }

  get clientCount(): number {
    return this.clients.size;
  }

  add(socket: WebSocket): void {
    const client: Client = { socket, watching: undefined, latest: new Map(), queue: [], dropped: 0, lastBookSequence: -1 };
    this.clients.add(client);
    this.send(client, [{ type: 'hello', at: Date.now() }]);
    socket.on('message', (raw) => {
      try {
        const msg = JSON.parse(String(raw)) as WsClientMessage;
        if (msg.type === 'subscribe') {
          client.watching = typeof msg.botId === 'string' ? msg.botId : undefined;
          client.lastBookSequence = -1;
        }
      } catch {
        // a malformed client message is ignored; the stream goes on
      }
    });
    socket.on('close', () => this.clients.delete(client));
    socket.on('error', () => this.clients.delete(client));
  }

  /** Tells every client a bot is gone. */
  removed(botId: string): void {
    this.broadcast({ type: 'bot_removed', botId });
  }

  close(): void {
    clearInterval(this.timer);
    for (const off of this.offs) off();
    for (const c of this.clients) c.socket.close(1001, 'server shutting down');
    this.clients.clear();
  }

  private instrumentOf(botId: string) {
    return this.manager.has(botId) ? this.manager.get(botId).instrument : undefined;
  }

  private coalesce(message: WsServerMessage, key: string): void {
    for (const c of this.clients) c.latest.set(key, message);
  }

  /** Order events go only to the client watching that bot (the overview does not list orders). */
  private broadcast(message: WsServerMessage, onlyWatchers?: string): void {
    for (const c of this.clients) {
      if (onlyWatchers !== undefined && c.watching !== onlyWatchers) continue;
      c.queue.push(message);
      if (c.queue.length > MAX_QUEUED) {
        c.queue.shift();
        c.dropped++;
      }
    }
  }

  private flush(): void {
    for (const c of this.clients) {
      if (c.watching !== undefined && this.manager.has(c.watching)) {
        const bot = this.manager.get(c.watching);
        const book = bot.currentBook();
        const inst = bot.instrument;
        if (book !== undefined && inst !== undefined && book.sequence !== c.lastBookSequence) {
          c.lastBookSequence = book.sequence;
          c.latest.set(`book:${bot.id}`, { type: 'book', botId: bot.id, data: bookDto(book, inst, bot.liveOrders()) });
        }
      }
      if (c.latest.size === 0 && c.queue.length === 0) continue;
      if (c.socket.bufferedAmount > MAX_BUFFERED) continue;
      const frame: WsServerMessage[] = [...c.latest.values(), ...c.queue];
      c.latest.clear();
      c.queue.length = 0;
      this.send(c, frame);
    }
  }

  private send(client: Client, frame: readonly WsServerMessage[]): void {
    if (client.socket.readyState !== 1) return;
    client.socket.send(JSON.stringify(frame));
  }
}
