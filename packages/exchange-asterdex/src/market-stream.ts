// Public market data for the subscribed symbols over one combined stream
// (/stream?streams=a/b/c): diff depth kept as a local book (REST snapshot + diffs with
// update-id checks, resync on a gap), book ticker, aggregate trades and, for perps, the mark
// price. The connection pings, reconnects with back-off and is replaced before the venue's
// 24 h cut-off without a gap (the old connection keeps delivering until the new one is up).
import { EngineError, fx } from '@mm/core';
import type { Instrument } from '@mm/core';
import { LocalOrderBook } from '@mm/exchange';
import type { LevelInput, ReconnectingWebSocket, SequenceRule, WsConnection, WsOpenInfo } from '@mm/exchange';
import { priceTicks, qtyLots } from './convert.ts';
import { streamSocket } from './stream-socket.ts';
import type { AsterStreamBaseOptions } from './stream-socket.ts';

export interface MarketStreamOptions extends AsterStreamBaseOptions {
  readonly instrument: (symbol: string) => Instrument;
  /** Levels per side in emitted book events. Default 20. */
  readonly bookDepth?: number;
  /** REST snapshot size (weight 20 at 1000). Default 1000. */
  readonly snapshotLimit?: number;
  /** Delay between snapshot attempts when they keep failing. Default 1 s. */
  readonly resyncRetryMs?: number;
  /** How long the first subscribe waits for the connection. Default 15 s. */
  readonly openTimeoutMs?: number;
}

export interface BookTicker {
  readonly symbol: string;
  readonly updateId: number;
  readonly bidTicks: number;
  readonly bidLots: number;
  readonly askTicks: number;
  readonly askLots: number;
  readonly receivedAt: number;
}

interface SymbolState {
  readonly book: LocalOrderBook;
  fetching: boolean;
  again: boolean;
  failures: number;
}

interface Envelope {
  readonly stream?: string;
  readonly data?: Record<string, unknown>;
  readonly result?: unknown;
  readonly id?: number;
}

export class MarketStream {
  private readonly options: MarketStreamOptions;
  private readonly symbols = new Map<string, SymbolState>();
  private readonly tickers = new Map<string, BookTicker>();
  private ws: ReconnectingWebSocket | undefined;
  /** Streams in the URL of the connection being opened. */
  private urlStreams = new Set<string>();
  private requestId = 0;
  private closed = false;
  private everOpen = false;

  constructor(options: MarketStreamOptions) {
    this.options = options;
  }

  get rule(): SequenceRule {
    return this.options.market === 'futures' ? 'binance-futures' : 'binance-spot';
  }

  /** The local book of a subscribed symbol (tests and diagnostics). */
  book(symbol: string): LocalOrderBook | undefined {
    return this.symbols.get(symbol)?.book;
  }

  bookTicker(symbol: string): BookTicker | undefined {
    return this.tickers.get(symbol);
  }

  get isOpen(): boolean {
    return this.ws?.isOpen ?? false;
  }

  async subscribe(symbol: string): Promise<void> {
    if (this.closed) throw new EngineError('ILLEGAL_STATE', 'the Asterdex market stream is closed');
    if (this.symbols.has(symbol)) return;
    const book = new LocalOrderBook({ symbol, rule: this.rule, onResyncNeeded: () => this.resync(symbol) });
    this.symbols.set(symbol, { book, fetching: false, again: false, failures: 0 });
    if (this.ws === undefined) {
      this.ws = this.createSocket();
      this.ws.start();
      await this.whenOpen(this.ws);
      return;
    }
    if (this.ws.isOpen) {
      try {
        this.ws.send(JSON.stringify({ method: 'SUBSCRIBE', params: this.streamsOf(symbol), id: ++this.requestId }));
        this.resync(symbol);
      } catch {
        // the next connection subscribes through its URL
      }
    }
  }

  /** Resolves once the first connection is up; TIMEOUT otherwise (it keeps trying in the background). */
  private whenOpen(ws: ReconnectingWebSocket): Promise<void> {
    if (ws.isOpen) return Promise.resolve();
    const timeoutMs = this.options.openTimeoutMs ?? 15_000;
    return new Promise<void>((resolve, reject) => {
      const timer = this.options.clock.setTimeout(() => {
        off();
        reject(new EngineError('TIMEOUT', `asterdex ${this.options.market} market stream did not connect within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = ws.events.on('open', () => {
        off();
        this.options.clock.clearTimer(timer);
        resolve();
      });
    });
  }

  unsubscribe(symbol: string): void {
    const state = this.symbols.get(symbol);
    if (state === undefined) return;
    this.symbols.delete(symbol);
    this.tickers.delete(symbol);
    state.book.reset();
    if (this.ws?.isOpen === true) {
      try {
        this.ws.send(JSON.stringify({ method: 'UNSUBSCRIBE', params: this.streamsOf(symbol), id: ++this.requestId }));
      } catch {
        // closing anyway
      }
    }
  }

  /** Drops the connection (tests, stale data); it reconnects by itself. */
  reconnect(reason: string): void {
    this.ws?.forceReconnect(reason);
  }

  close(): void {
    this.closed = true;
    this.ws?.close();
    this.ws = undefined;
  }

  private streamsOf(symbol: string): string[] {
    const s = symbol.toLowerCase();
    const streams = [`${s}@depth@100ms`, `${s}@bookTicker`, `${s}@aggTrade`];
    if (this.options.market === 'futures') streams.push(`${s}@markPrice@1s`);
    return streams;
  }

  private createSocket(): ReconnectingWebSocket {
    const o = this.options;
    const ws = streamSocket(o, 'market', {
      url: () => {
        const streams = [...this.symbols.keys()].flatMap((s) => this.streamsOf(s));
        this.urlStreams = new Set(streams);
        return `${o.wsUrl}/stream?streams=${streams.join('/')}`;
      },
      onOpen: (conn, info) => this.opened(conn, info),
    });
    ws.events.on('message', (text) => this.onMessage(text));
    ws.events.on('open', (info) => {
      if (info.rotated) return;
      if (!this.everOpen) {
        this.everOpen = true;
        o.events.emit('connection', { stream: 'market', state: 'connected', at: o.clock.now() });
      } else {
        o.events.emit('connection', { stream: 'market', state: 'reconnected', at: o.clock.now() });
      }
      // fresh books: whatever happened while we were away is only in a new snapshot
      for (const symbol of this.symbols.keys()) this.resync(symbol);
    });
    return ws;
  }

  private opened(conn: WsConnection, info: WsOpenInfo): void {
    // symbols added while this connection was being opened are not in its URL
    const missing = [...this.symbols.keys()].flatMap((s) => this.streamsOf(s)).filter((s) => !this.urlStreams.has(s));
    if (missing.length > 0) conn.send(JSON.stringify({ method: 'SUBSCRIBE', params: missing, id: ++this.requestId }));
    if (!info.rotated) {
      // a new connection starts a new diff sequence: buffer its diffs until the snapshot arrives
      for (const state of this.symbols.values()) state.book.reset();
    }
  }

  private resync(symbol: string): void {
    const state = this.symbols.get(symbol);
    if (state === undefined || this.closed) return;
    if (state.fetching) {
      state.again = true;
      return;
    }
    state.fetching = true;
    void this.fetchSnapshot(symbol, state);
  }

  private async fetchSnapshot(symbol: string, state: SymbolState): Promise<void> {
    const o = this.options;
    try {
      if (state.failures > 0) await o.clock.sleep(o.resyncRetryMs ?? 1000);
      const depth = await o.api.depth(symbol, o.snapshotLimit ?? 1000);
      if (this.symbols.get(symbol) !== state) return;
      const inst = o.instrument(symbol);
      state.again = false;
      state.book.applySnapshot({
        bids: depth.bids.map((l) => level(inst, l)),
        asks: depth.asks.map((l) => level(inst, l)),
        sequence: depth.lastUpdateId,
        venueTime: depth.E ?? depth.T ?? o.clock.now(),
      });
      state.failures = 0;
      if (state.book.state === 'live') this.emitBook(symbol, state.book);
    } catch {
      state.failures++;
      state.again = true;
    } finally {
      state.fetching = false;
      if (state.again && this.symbols.get(symbol) === state && !this.closed) {
        state.again = false;
        this.resync(symbol);
      }
    }
  }

  private onMessage(text: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      return;
    }
    const data = envelope.data;
    if (data === undefined || typeof data !== 'object') return;
    const symbol = typeof data['s'] === 'string' ? data['s'] : undefined;
    if (symbol === undefined || !this.symbols.has(symbol)) return;
    switch (data['e']) {
      case 'depthUpdate':
        this.onDepth(symbol, data);
        return;
      case 'aggTrade':
        this.onTrade(symbol, data);
        return;
      case 'markPriceUpdate':
        this.onMark(symbol, data);
        return;
      default:
        // bookTicker frames carry no event type
        if (envelope.stream?.endsWith('@bookTicker') === true || (data['b'] !== undefined && data['u'] !== undefined && data['A'] !== undefined)) this.onTicker(symbol, data);
    }
  }

  private onDepth(symbol: string, d: Record<string, unknown>): void {
    const state = this.symbols.get(symbol)!;
    const inst = this.options.instrument(symbol);
    const result = state.book.applyDelta({
      bids: (d['b'] as [string, string][]).map((l) => level(inst, l)),
      asks: (d['a'] as [string, string][]).map((l) => level(inst, l)),
      firstSeq: Number(d['U']),
      lastSeq: Number(d['u']),
      prevSeq: Number(d['pu'] ?? Number(d['U']) - 1),
      venueTime: Number(d['E']),
    });
    if (result === 'applied') this.emitBook(symbol, state.book);
  }

  private onTrade(symbol: string, d: Record<string, unknown>): void {
    const inst = this.options.instrument(symbol);
    this.options.events.emit('trade', {
      symbol,
      tradeId: String(d['a']),
      priceTicks: priceTicks(inst, String(d['p'])),
      qtyLots: qtyLots(inst, String(d['q'])),
      // m: the buyer was the maker, so the taker sold
      takerSide: d['m'] === true ? 'sell' : 'buy',
      venueTime: Number(d['T'] ?? d['E']),
      receivedAt: this.options.clock.now(),
    });
  }

  private onMark(symbol: string, d: Record<string, unknown>): void {
    this.options.events.emit('markPrice', {
      symbol,
      markPrice: fx.parse(String(d['p'])),
      ...(d['i'] === undefined ? {} : { indexPrice: fx.parse(String(d['i'])) }),
      ...(d['r'] === undefined || d['r'] === '' ? {} : { fundingRate: fx.parse(String(d['r'])) }),
      ...(d['T'] === undefined ? {} : { nextFundingTime: Number(d['T']) }),
      venueTime: Number(d['E']),
      receivedAt: this.options.clock.now(),
    });
  }

  private onTicker(symbol: string, d: Record<string, unknown>): void {
    const inst = this.options.instrument(symbol);
    const updateId = Number(d['u']);
    const last = this.tickers.get(symbol);
    if (last !== undefined && updateId < last.updateId) return;
    this.tickers.set(symbol, {
      symbol,
      updateId,
      bidTicks: priceTicks(inst, String(d['b'])),
      bidLots: qtyLots(inst, String(d['B'])),
      askTicks: priceTicks(inst, String(d['a'])),
      askLots: qtyLots(inst, String(d['A'])),
      receivedAt: this.options.clock.now(),
    });
  }

  private emitBook(symbol: string, book: LocalOrderBook): void {
    this.options.events.emit('book', book.toSnapshot(this.options.bookDepth ?? 20, this.options.clock.now()));
  }
}

function level(inst: Instrument, [price, qty]: readonly [string, string] | readonly string[]): LevelInput {
  return [priceTicks(inst, String(price)), qtyLots(inst, String(qty))];
}
