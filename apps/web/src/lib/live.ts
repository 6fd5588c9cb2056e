// The live stream: one WebSocket to /ws that reconnects by itself with backoff, and a batcher
// that folds pushed messages into the query cache a few times a second (stats from many bots
// arrive up to 10/s each; coalescing keeps the page calm and cheap to render).
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import { isLive } from '@mm/core';
import type { BookDto, BotStatsDto, BotSummaryDto, BotDetailDto, EventDto, FillDto, OrderDto, OrderStatus, Page, WsClientMessage, WsFrame, WsServerMessage } from '@mm/core';
import { keys, lifecycleChanged, prependToPages, storeSummary } from './queries.ts';
import type { EventFilters, FillFilters } from './queries.ts';
import { liveStatus } from './live-status.ts';

const FLUSH_MS = 200;
const MAX_BACKOFF_MS = 10_000;
const LEVEL_RANK: Record<string, number> = { debug: 0, info: 1, warn: 2, error: 3 };

let socket: WebSocket | undefined;
let subscribed: string | undefined;
let stopped = true;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let flushTimer: ReturnType<typeof setTimeout> | undefined;
let pending: WsServerMessage[] = [];
let client: QueryClient | undefined;
let attempts = 0;
let everOpened = false;

function send(message: WsClientMessage): void {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

/** Which bot's book and order stream the page shows (undefined: none). */
export function subscribeBot(botId: string | undefined): void {
  subscribed = botId;
  send({ type: 'subscribe', botId });
}

export function startLive(qc: QueryClient): () => void {
  client = qc;
  stopped = false;
  connect();
  const onVisible = () => {
    if (document.visibilityState === 'visible' && liveStatus.get().state === 'closed') reconnectNow();
  };
  document.addEventListener('visibilitychange', onVisible);
  window.addEventListener('online', reconnectNow);
  return () => {
    stopped = true;
    document.removeEventListener('visibilitychange', onVisible);
    window.removeEventListener('online', reconnectNow);
    clearTimeout(retryTimer);
    socket?.close();
    socket = undefined;
  };
}

function reconnectNow(): void {
  if (stopped || socket) return;
  clearTimeout(retryTimer);
  connect();
}

function connect(): void {
  const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws`;
  liveStatus.set((s) => ({ ...s, state: 'connecting', nextRetryAt: undefined }));
  let ws: WebSocket;
  try {
    ws = new WebSocket(url);
  } catch {
    scheduleRetry();
    return;
  }
  socket = ws;
  ws.onopen = () => {
    const reconnect = everOpened;
    everOpened = true;
    attempts = 0;
    liveStatus.set({ state: 'open', lastOpenAt: Date.now(), disconnectedAt: undefined, nextRetryAt: undefined, attempts: 0 });
    if (subscribed !== undefined) send({ type: 'subscribe', botId: subscribed });
    // whatever happened while we were away: fetch it again
    if (reconnect) void client?.invalidateQueries();
  };
  ws.onmessage = (e) => {
    // a frame is an array of messages (WsFrame); a lone message is accepted too
    try {
      const data = JSON.parse(String(e.data)) as WsFrame | WsServerMessage;
      if (Array.isArray(data)) pending.push(...(data as WsFrame));
      else pending.push(data as WsServerMessage);
    } catch {
      return;
    }
    if (flushTimer === undefined) flushTimer = setTimeout(flush, FLUSH_MS);
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = undefined;
    if (stopped) return;
    // a rejected handshake looks like any other close: let the session check decide
    void client?.invalidateQueries({ queryKey: keys.me });
    scheduleRetry();
  };
  ws.onerror = () => ws.close();
}

function scheduleRetry(): void {
  attempts += 1;
  const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (attempts - 1)) * (0.8 + Math.random() * 0.4);
  const now = Date.now();
  liveStatus.set((s) => ({ state: 'closed', lastOpenAt: s.lastOpenAt, disconnectedAt: s.disconnectedAt ?? now, nextRetryAt: now + delay, attempts }));
  clearTimeout(retryTimer);
  retryTimer = setTimeout(connect, delay);
}

function flush(): void {
  flushTimer = undefined;
  const qc = client;
  const batch = pending;
  pending = [];
  if (!qc || batch.length === 0) return;

  const summaries = new Map<string, BotSummaryDto>();
  const removed = new Set<string>();
  const stats = new Map<string, BotStatsDto>();
  const books = new Map<string, BookDto>();
  const orders = new Map<string, OrderDto[]>();
  const fills = new Map<string, FillDto[]>();
  const logs = new Map<string, EventDto[]>();
  const riskBots = new Set<string>();

  for (const m of batch) {
    switch (m.type) {
      case 'hello':
        break;
      case 'bot':
        summaries.set(m.botId, m.data);
        stats.delete(m.botId);
        break;
      case 'bot_removed':
        removed.add(m.botId);
        break;
      case 'stats':
        stats.set(m.botId, m.data);
        break;
      case 'book':
        books.set(m.botId, m.data);
        break;
      case 'order':
        push(orders, m.botId, m.data);
        break;
      case 'fill':
        push(fills, m.botId, m.data);
        break;
      case 'risk':
        riskBots.add(m.botId);
        break;
      case 'log':
        push(logs, m.botId, m.data);
        break;
    }
  }

  for (const bot of summaries.values()) {
    const before = qc.getQueryData<BotSummaryDto[]>(keys.bots)?.find((b) => b.id === bot.id);
    storeSummary(qc, bot);
    // a lifecycle change: the detail (instrument, risk), the log and the health summary move too
    if (!before || before.state !== bot.state || before.tradingState !== bot.tradingState) lifecycleChanged(qc, bot.id);
  }
  if (stats.size > 0) applyStats(qc, stats);
  for (const id of removed) {
    qc.setQueryData<BotSummaryDto[]>(keys.bots, (list) => list?.filter((b) => b.id !== id));
  }
  for (const [id, book] of books) qc.setQueryData(keys.book(id), book);
  for (const [id, list] of orders) applyOrders(qc, id, list);
  for (const [id, list] of fills) applyFills(qc, id, list);
  for (const [id, list] of logs) applyLogs(qc, id, list);
  for (const id of riskBots) void qc.invalidateQueries({ queryKey: keys.risk(id) });
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function applyStats(qc: QueryClient, stats: Map<string, BotStatsDto>): void {
  qc.setQueryData<BotSummaryDto[]>(keys.bots, (list) => list?.map((b) => {
    const s = stats.get(b.id);
    return s ? { ...b, stats: s } : b;
  }));
  for (const [id, s] of stats) {
    qc.setQueryData<BotDetailDto>(keys.bot(id), (d) => (d ? { ...d, stats: s } : d));
  }
}

function applyOrders(qc: QueryClient, botId: string, updates: readonly OrderDto[]): void {
  const key = keys.openOrders(botId);
  if (qc.getQueryData(key) === undefined) return;
  qc.setQueryData<Page<OrderDto>>(key, (page) => {
    if (!page) return page;
    const byId = new Map(page.items.map((o) => [o.clientOrderId, o]));
    for (const o of updates) {
      if (isLive(o.status as OrderStatus)) byId.set(o.clientOrderId, o);
      else byId.delete(o.clientOrderId);
    }
    const items = [...byId.values()];
    return { ...page, items, total: items.length };
  });
}

const VOLUME_REFRESH_MS = 5_000;
const volumeRefreshedAt = new Map<string, number>();
const volumeTimers = new Map<string, ReturnType<typeof setTimeout>>();

/** The hourly volume bars are computed by the server: after fills, ask again at most every few seconds. */
function refreshVolumeSoon(qc: QueryClient, botId: string): void {
  if (volumeTimers.has(botId)) return;
  const wait = Math.max(0, (volumeRefreshedAt.get(botId) ?? 0) + VOLUME_REFRESH_MS - Date.now());
  volumeTimers.set(
    botId,
    setTimeout(() => {
      volumeTimers.delete(botId);
      volumeRefreshedAt.set(botId, Date.now());
      void qc.invalidateQueries({ queryKey: keys.volume(botId) });
    }, wait),
  );
}

function applyFills(qc: QueryClient, botId: string, newFills: readonly FillDto[]): void {
  refreshVolumeSoon(qc, botId);
  const newestFirst = [...newFills].reverse();
  for (const [key, data] of qc.getQueriesData<InfiniteData<Page<FillDto>>>({ queryKey: keys.fillsAll(botId) })) {
    const f = (key[2] ?? {}) as FillFilters;
    if (f.from !== undefined || f.to !== undefined) continue;
    const matching = newestFirst.filter((x) => (!f.side || x.side === f.side) && (!f.tag || x.tag === f.tag));
    if (matching.length > 0 && data) qc.setQueryData(key, prependToPages(data, matching, (x) => `${x.venue}:${x.tradeId}`));
  }
}

function applyLogs(qc: QueryClient, botId: string, events: readonly EventDto[]): void {
  const newestFirst = [...events].reverse();
  for (const scope of [botId, 'all']) {
    for (const [key, data] of qc.getQueriesData<InfiniteData<Page<EventDto>>>({ queryKey: keys.eventsAll(scope) })) {
      const f = (key[2] ?? {}) as EventFilters;
      const q = f.q?.toLowerCase();
      const matching = newestFirst.filter(
        (e) =>
          (!f.level || (LEVEL_RANK[e.level] ?? 0) >= (LEVEL_RANK[f.level] ?? 0)) &&
          (!q || e.message.toLowerCase().includes(q) || e.kind.toLowerCase().includes(q)) &&
          (!f.botId || e.botId === f.botId),
      );
      if (matching.length > 0 && data) qc.setQueryData(key, prependToPages(data, matching, (x) => `${x.at}|${x.level}|${x.message}`));
    }
  }
}
