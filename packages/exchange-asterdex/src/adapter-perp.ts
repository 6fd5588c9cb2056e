// The Asterdex perpetual-futures adapter (V1 HMAC or V3 API wallet). Beyond the shared
// order flow: batch placement (5 per request) and batch cancel (10), amend (V3 only),
// self-trade prevention per account and per order (V3 only), the dead-man switch
// (countdownCancelAll), one-way position mode, leverage and margin type, leverage brackets
// and position risk for max-notional awareness, ADL quantiles, and the margin summary, kept
// current by a coalesced REST refresh after every fill and account update.
import { EngineError, fx, toEngineError } from '@mm/core';
import type { AmendRequest, Balance, CancelRequest, Fixed, Instrument, MarginSummary, MarginType, OrderRequest, Position, StpMode } from '@mm/core';
import type { AmendResult, CancelResult, PlaceResult, VenueCapabilities } from '@mm/exchange';
import { AsterAdapterBase } from './adapter-base.ts';
import type { AsterAdapterOptions } from './adapter-base.ts';
import { toVenueOrder } from './convert.ts';
import { venueError } from './errors.ts';
import { MarginRefresh } from './margin-refresh.ts';
import { futuresBalances, maintenanceFor, maxNotionalAt, parseBrackets, positionNotional, toMarginSummary, toPosition, toPositionRisk } from './perp-account.ts';
import type { LeverageBracket, PositionRisk } from './perp-account.ts';
import { batchItem, changeFailed, failed, orderParams, venueStpMode } from './order-entry.ts';
import { isErrorItem } from './wire.ts';
import type { OrderJson } from './wire.ts';

export interface AsterPerpOptions extends AsterAdapterOptions {
  /** Switch the account to one-way position mode at connect if it is in hedge mode. Default true. */
  readonly ensureOneWayMode?: boolean;
  /** ADL quantiles are refreshed at most this often (the venue updates them every 30 s). */
  readonly adlRefreshMs?: number;
  /**
   * Least time between REST refreshes of the margin summary (reported as `margin` events) that
   * fills and account updates ask for; one is in flight at most. Default 2 s.
   */
  readonly marginRefreshMs?: number;
  /** Problems the adapter survives (a failed margin refresh). Default: a process warning. */
  readonly onError?: (error: EngineError) => void;
}

const MAX_BATCH_PLACE = 5;
const MAX_BATCH_CANCEL = 10;

export class AsterPerpAdapter extends AsterAdapterBase {
  readonly capabilities: VenueCapabilities;
  private readonly perpOptions: AsterPerpOptions;
  private readonly brackets = new Map<string, LeverageBracket[]>();
  private readonly leverage = new Map<string, number>();
  private adl: { at: number; bySymbol: Map<string, Readonly<Record<string, number>>> } | undefined;
  /** Refreshes the margin summary after account activity; `started` counts its REST calls. */
  readonly marginRefresh: MarginRefresh;

  constructor(options: AsterPerpOptions) {
    super('perp', options);
    this.perpOptions = options;
    const v3 = options.family === 'v3';
    this.capabilities = {
      venue: 'asterdex',
      market: 'perp',
      postOnly: true,
      fok: true,
      // STP exists only in the V3 API (per account and per order)
      stpModes: v3 ? ['expire_taker', 'expire_maker', 'expire_both'] : [],
      maxBatchPlace: MAX_BATCH_PLACE,
      maxBatchCancel: MAX_BATCH_CANCEL,
      amend: v3,
      deadManSwitch: true,
      cancelAllMinIntervalMs: 0,
      maxClientOrderIdLength: 36,
      fillsFromTradeId: true,
    };
    this.marginRefresh = new MarginRefresh({
      clock: this.clock,
      intervalMs: options.marginRefreshMs ?? 2_000,
      fetch: () => this.marginSummary(),
      emit: (summary) => this.events.emit('margin', summary),
      onError: (error) => this.reportError(error),
    });
    // updates missed while the user stream was down may have moved the account
    this.events.on('connection', (e) => {
      if (e.stream === 'private' && e.state === 'reconnected') this.marginRefresh.request();
    });
  }

  override async connect(): Promise<void> {
    this.marginRefresh.start();
    await super.connect();
  }

  override async close(): Promise<void> {
    this.marginRefresh.stop();
    await super.close();
  }

  protected override onAccountChange(): void {
    this.marginRefresh.request();
  }

  private reportError(error: unknown): void {
    const cause = toEngineError(error, 'VENUE_ERROR');
    const e = new EngineError(cause.code, `asterdex margin refresh failed (the next account update retries): ${cause.message}`, { cause, retryable: true });
    if (this.perpOptions.onError !== undefined) this.perpOptions.onError(e);
    else process.emitWarning(e.message);
  }

  protected override async prepareAccount(): Promise<void> {
    if (this.perpOptions.ensureOneWayMode === false) return;
    const { dualSidePosition } = await this.api.getPositionMode();
    if (dualSidePosition !== true) return;
    try {
      await this.api.setPositionMode(false);
    } catch (error) {
      if (error instanceof EngineError && error.venueCode === -4059) return;
      throw new EngineError('INVALID_CONFIG', `Asterdex account is in hedge mode and could not be switched to one-way mode (close positions and orders first): ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  protected override orderParamOptions(): { perp: boolean; perOrderStp: boolean } {
    return { perp: true, perOrderStp: this.family === 'v3' };
  }

  protected override async placeBatch(chunk: readonly { request: OrderRequest; inst: Instrument }[]): Promise<PlaceResult[]> {
    const options = this.orderParamOptions();
    const batchOrders = chunk.map(({ inst, request }) => {
      // batch elements carry no response type: the answer is always the full order
      const { newOrderRespType: _unused, ...params } = orderParams(inst, request, options);
      return params;
    });
    let answer: unknown;
    try {
      answer = await this.api.batchOrders(batchOrders);
    } catch (error) {
      return chunk.map(({ request }) => failed(request, error));
    }
    const now = this.clock.now();
    if (!Array.isArray(answer) || answer.length !== chunk.length) {
      const error = new EngineError('UNKNOWN_OUTCOME', `asterdex batchOrders: expected ${chunk.length} results, got an unreadable answer; query the orders before acting again`);
      return chunk.map(({ request }) => failed(request, error));
    }
    return chunk.map(({ inst, request }, i) => batchItem(inst, request, answer[i], now, 'asterdex batchOrders'));
  }

  override async cancelOrders(requests: readonly CancelRequest[]): Promise<readonly CancelResult[]> {
    const results: CancelResult[] = new Array<CancelResult>(requests.length);
    // what can go as one batch: one symbol, all by venue id or all by client id
    const groups = new Map<string, number[]>();
    const singles: number[] = [];
    requests.forEach((r, i) => {
      const by = r.venueOrderId !== undefined ? 'venue' : r.clientOrderId !== undefined ? 'client' : undefined;
      if (by === undefined || !this.instrumentMap.has(r.symbol)) singles.push(i);
      else groups.set(`${r.symbol}|${by}`, [...(groups.get(`${r.symbol}|${by}`) ?? []), i]);
    });
    const work: Promise<void>[] = [];
    for (const [key, indexes] of groups) {
      for (let i = 0; i < indexes.length; i += MAX_BATCH_CANCEL) {
        const chunk = indexes.slice(i, i + MAX_BATCH_CANCEL);
        if (chunk.length === 1) singles.push(chunk[0]!);
        else work.push(this.cancelBatch(key.endsWith('|venue'), chunk.map((n) => requests[n]!)).then((out) => chunk.forEach((n, k) => (results[n] = out[k]!))));
      }
    }
    for (const i of singles) work.push(this.cancelOne(requests[i]!).then((out) => void (results[i] = out)));
    await Promise.all(work);
    return results;
  }

  private async cancelBatch(byVenueId: boolean, chunk: readonly CancelRequest[]): Promise<CancelResult[]> {
    const symbol = chunk[0]!.symbol;
    const inst = this.instrument(symbol);
    const ids = byVenueId ? { orderIdList: chunk.map((r) => Number(r.venueOrderId)) } : { origClientOrderIdList: chunk.map((r) => r.clientOrderId!) };
    let answer: unknown;
    try {
      answer = await this.api.cancelBatch(symbol, ids);
    } catch (error) {
      const result = changeFailed(error);
      return chunk.map(() => result);
    }
    if (!Array.isArray(answer) || answer.length !== chunk.length) {
      const e = new EngineError('UNKNOWN_OUTCOME', 'asterdex batch cancel: the answer could not be matched to the requests; query the orders');
      return chunk.map(() => ({ ok: false, outcome: 'unknown', error: e }));
    }
    return chunk.map((r, i) => this.cancelItem(inst, answer[i], `asterdex batch cancel ${r.clientOrderId ?? r.venueOrderId ?? ''}`));
  }

  /** One element of a batch-cancel answer: the cancelled order, or the venue's error in its place. */
  private cancelItem(inst: Instrument, item: unknown, action: string): CancelResult {
    if (isErrorItem(item)) {
      const { outcome, error } = venueError(item.code, item.msg, { action });
      return { ok: false, outcome, error };
    }
    return { ok: true, order: toVenueOrder(inst, item as OrderJson, this.clock.now()) };
  }

  async amendOrder(request: AmendRequest): Promise<AmendResult> {
    if (this.family !== 'v3') {
      return { ok: false, outcome: 'rejected', error: new EngineError('NOT_SUPPORTED', 'Asterdex V1 cannot modify orders; cancel and place a new one (or use V3 credentials)') };
    }
    let inst: Instrument;
    try {
      inst = this.instrument(request.symbol);
      inst.validateOrder(request.priceTicks, request.qtyLots);
    } catch (error) {
      return { ok: false, outcome: 'rejected', error: error as EngineError };
    }
    try {
      const json = await this.api.modifyOrder({
        symbol: request.symbol,
        origClientOrderId: request.clientOrderId,
        quantity: inst.lotsToQty(request.qtyLots),
        price: inst.ticksToPrice(request.priceTicks),
      });
      return { ok: true, order: toVenueOrder(inst, json, this.clock.now()) };
    } catch (error) {
      return changeFailed(error);
    }
  }

  // ---------------------------------------------------------------- account

  async balances(): Promise<readonly Balance[]> {
    const { all, nonZero } = futuresBalances(await this.api.futuresBalance());
    for (const b of all) this.lockedCache.set(b.asset, b.locked);
    return nonZero;
  }

  async positions(symbol?: string): Promise<readonly Position[]> {
    const rows = await this.api.positionRisk(symbol);
    const adl = await this.adlQuantiles();
    const out: Position[] = [];
    for (const row of rows) {
      const inst = this.instrumentMap.get(row.symbol);
      if (inst === undefined) continue;
      const open = fx.parse(row.positionAmt) !== 0n;
      if (!open && row.symbol !== symbol) continue;
      const maintenance = open ? await this.maintenance(row.symbol, positionNotional(row)) : 0n;
      const position = toPosition(inst, row, adl.get(row.symbol), maintenance, this.clock.now());
      this.leverage.set(row.symbol, position.leverage);
      this.positionCache.set(row.symbol, position);
      out.push(position);
    }
    return out;
  }

  async marginSummary(): Promise<MarginSummary | null> {
    const asset = [...this.instrumentMap.values()][0]?.marginAsset ?? 'USDT';
    return toMarginSummary(await this.api.futuresAccount(), asset, this.clock.now());
  }

  // ---------------------------------------------------------------- settings

  async setDeadManSwitch(symbol: string, timeoutMs: number): Promise<void> {
    this.instrument(symbol);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0) throw new EngineError('INVALID_ARGUMENT', `dead-man switch timeout must be a whole number of ms ≥ 0, got ${timeoutMs}`);
    await this.api.countdownCancelAll(symbol, timeoutMs);
  }

  async setAccountStp(mode: StpMode): Promise<void> {
    // V1 has no STP; 'none' cannot be set on V3 (its modes are EXPIRE_*), so the venue keeps its mode
    const stp = venueStpMode(mode);
    if (this.family !== 'v3' || stp === undefined) return;
    await this.api.setStpMode(stp);
  }

  async setLeverage(symbol: string, leverage: number): Promise<void> {
    this.instrument(symbol);
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > 125) throw new EngineError('INVALID_ARGUMENT', `leverage must be a whole number from 1 to 125, got ${leverage}`);
    await this.api.setLeverage(symbol, leverage);
    this.leverage.set(symbol, leverage);
  }

  async setMarginType(symbol: string, marginType: MarginType): Promise<void> {
    this.instrument(symbol);
    try {
      await this.api.setMarginType(symbol, marginType === 'isolated' ? 'ISOLATED' : 'CROSSED');
    } catch (error) {
      // -4046: already in that mode
      if (error instanceof EngineError && error.venueCode === -4046) return;
      throw error;
    }
  }

  /** Notional brackets of a symbol (cached; they change rarely). */
  async leverageBrackets(symbol: string, refresh = false): Promise<readonly LeverageBracket[]> {
    this.instrument(symbol);
    const cached = this.brackets.get(symbol);
    if (cached !== undefined && !refresh) return cached;
    const list = parseBrackets(await this.api.leverageBracket(symbol), symbol);
    this.brackets.set(symbol, list);
    return list;
  }

  /** The largest position notional the venue allows at `leverage` (default: the symbol's current leverage). */
  async maxNotional(symbol: string, leverage?: number): Promise<Fixed> {
    const lev = leverage ?? this.leverage.get(symbol) ?? (await this.positionRisk(symbol)).leverage;
    return maxNotionalAt(await this.leverageBrackets(symbol), lev);
  }

  /** The venue's position-risk row of a symbol: leverage, max notional, mark and liquidation price. */
  async positionRisk(symbol: string): Promise<PositionRisk> {
    this.instrument(symbol);
    const rows = await this.api.positionRisk(symbol);
    const row = rows.find((r) => r.symbol === symbol && (r.positionSide ?? 'BOTH') === 'BOTH') ?? rows[0];
    if (row === undefined) throw new EngineError('VENUE_ERROR', `asterdex positionRisk returned nothing for ${symbol}`);
    const risk = toPositionRisk(row);
    this.leverage.set(symbol, risk.leverage);
    return risk;
  }

  /** ADL quantiles per symbol (LONG / SHORT / BOTH, 0–4), refreshed at most every adlRefreshMs. */
  async adlQuantiles(): Promise<ReadonlyMap<string, Readonly<Record<string, number>>>> {
    const now = this.clock.now();
    const maxAge = this.perpOptions.adlRefreshMs ?? 30_000;
    if (this.adl !== undefined && now - this.adl.at < maxAge) return this.adl.bySymbol;
    const rows = await this.api.adlQuantile();
    this.adl = { at: now, bySymbol: new Map(rows.map((r) => [r.symbol, r.adlQuantile])) };
    return this.adl.bySymbol;
  }

  protected override onLeverage(symbol: string, leverage: number): void {
    this.leverage.set(symbol, leverage);
  }

  private async maintenance(symbol: string, notional: Fixed): Promise<Fixed> {
    try {
      return maintenanceFor(await this.leverageBrackets(symbol), notional);
    } catch {
      // without brackets the figure is unknown; positions are still reported
      return 0n;
    }
  }
}
