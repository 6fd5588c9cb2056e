// The mock venue's state beside the matching engine: who holds which credentials, listen
// keys, V3 nonce windows, dead-man timers, the order log per account, and the fault knobs.
// Matching, balances and positions are the SimExchange's (on a LiveClock).
import { Rng } from '@mm/core';
import type { Clock, TimerHandle } from '@mm/core';
import type { SimExchange } from '@mm/exchange-sim';

export type MockMarket = 'futures' | 'spot';

export interface MockAccount {
  /** The SimExchange account name. */
  readonly name: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  /** V3 main wallet and API wallet (signer) addresses. */
  readonly user: string;
  readonly signer: string;
}

export interface ListenKey {
  readonly key: string;
  readonly account: string;
  readonly market: MockMarket;
  expiresAt: number;
  timer: TimerHandle | undefined;
}

/** Weight and order limits the mock enforces (defaults: the venue's published ones). */
export interface MockLimits {
  readonly weightPerMinute: number;
  readonly ordersPerMinute: number;
  readonly ordersPer10s: number;
  /** How long a 418 ban lasts. Default 120 s (the venue's shortest). */
  readonly banMs: number;
}

export interface MockFaults {
  /** The next order-entry request is refused with 429 (Retry-After `retryAfterSec`). */
  rateLimitNext: boolean;
  /** The next request of any kind is refused with 418 and a ban. */
  banNext: boolean;
  /** The next order submit (single or batch) is executed and answered with HTTP 503. */
  loseNextSubmit: boolean;
  /** Every TRADE event on the user stream is sent twice. */
  duplicateFills: boolean;
  /** User-stream events are delivered in swapped pairs. */
  outOfOrder: boolean;
  /** Extra delay before every REST answer. */
  responseDelayMs: number;
  /** Extra delay before every stream message. */
  streamDelayMs: number;
  /** The venue's clock runs this far ahead of the process clock (V1 timestamp checks, V3 nonces). */
  clockSkewMs: number;
  retryAfterSec: number;
}

export class MockState {
  readonly accounts = new Map<string, MockAccount>();
  readonly listenKeys = new Map<string, ListenKey>();
  /** Last 100 V3 nonces per user (address in lower case). */
  readonly nonces = new Map<string, number[]>();
  /** Dead-man timers per account + symbol. */
  readonly deadMan = new Map<string, TimerHandle | undefined>();
  /** Venue order ids ever placed, per account (allOrders). */
  readonly orderLog = new Map<string, string[]>();
  /** Account-level STP mode as last set (GET stpMode). */
  readonly stpModes = new Map<string, string>();
  readonly positionMode = new Map<string, boolean>();
  readonly faults: MockFaults = {
    rateLimitNext: false,
    banNext: false,
    loseNextSubmit: false,
    duplicateFills: false,
    outOfOrder: false,
    responseDelayMs: 0,
    streamDelayMs: 0,
    clockSkewMs: 0,
    retryAfterSec: 1,
  };
  private readonly rng: Rng;
  /** After close no timer is started (a request in flight during shutdown must not keep the process alive). */
  private closed = false;

  constructor(
    readonly exchange: SimExchange,
    readonly clock: Clock,
    readonly limits: MockLimits,
    /** How long a listen key lives without keepalive. */
    public listenKeyValidityMs: number,
    seed: string,
  ) {
    this.rng = new Rng(seed);
  }

  /** The venue's clock. */
  now(): number {
    return this.clock.now() + this.faults.clockSkewMs;
  }

  addAccount(account: MockAccount): void {
    this.accounts.set(account.name, account);
    this.orderLog.set(account.name, []);
  }

  byApiKey(apiKey: string | undefined): MockAccount | undefined {
    if (apiKey === undefined) return undefined;
    for (const a of this.accounts.values()) if (a.apiKey === apiKey) return a;
    return undefined;
  }

  bySigner(signer: string): MockAccount | undefined {
    for (const a of this.accounts.values()) if (a.signer.toLowerCase() === signer.toLowerCase()) return a;
    return undefined;
  }

  byUser(user: string): MockAccount | undefined {
    for (const a of this.accounts.values()) if (a.user.toLowerCase() === user.toLowerCase()) return a;
    return undefined;
  }

  logOrder(account: string, venueOrderId: string): void {
    this.orderLog.get(account)?.push(venueOrderId);
  }

  // ---------------------------------------------------------------- listen keys

  activeKey(account: string, market: MockMarket): ListenKey | undefined {
    for (const k of this.listenKeys.values()) if (k.account === account && k.market === market && k.expiresAt > this.clock.now()) return k;
    return undefined;
  }

  /** POST listenKey: the active key extended, or a new one. */
  openKey(account: string, market: MockMarket, onExpire: (key: ListenKey) => void): ListenKey {
    const existing = this.activeKey(account, market);
    if (existing !== undefined) {
      this.extend(existing, onExpire);
      return existing;
    }
    let key = '';
    for (let i = 0; i < 4; i++) key += this.rng.nextUint32().toString(16).padStart(8, '0');
    const entry: ListenKey = { key: `${market[0]}${key}`, account, market, expiresAt: 0, timer: undefined };
    this.listenKeys.set(entry.key, entry);
    this.extend(entry, onExpire);
    return entry;
  }

  extend(entry: ListenKey, onExpire: (key: ListenKey) => void): void {
    this.clock.clearTimer(entry.timer);
    entry.expiresAt = this.clock.now() + this.listenKeyValidityMs;
    entry.timer = this.timer(() => onExpire(entry), this.listenKeyValidityMs);
  }

  /** A timer of the venue, unless it is shutting down. */
  timer(callback: () => void, ms: number): TimerHandle | undefined {
    return this.closed ? undefined : this.clock.setTimeout(callback, ms);
  }

  /** Ends a key now (expiry, DELETE). */
  dropKey(entry: ListenKey): void {
    this.clock.clearTimer(entry.timer);
    entry.expiresAt = 0;
    this.listenKeys.delete(entry.key);
  }

  // ---------------------------------------------------------------- V3 nonces

  /** Applies the venue's nonce rules; returns an error message or undefined. */
  acceptNonce(user: string, nonce: number): string | undefined {
    const nowUs = this.now() * 1000;
    if (!Number.isSafeInteger(nonce) || Math.abs(nonce - nowUs) > 10_000_000) return 'Nonce Expired';
    const key = user.toLowerCase();
    const list = this.nonces.get(key) ?? [];
    if (list.includes(nonce)) return 'Nonce duplicated.';
    if (list.length >= 100 && nonce < Math.min(...list)) return 'Nonce Expired';
    list.push(nonce);
    if (list.length > 100) list.splice(list.indexOf(Math.min(...list)), 1);
    this.nonces.set(key, list);
    return undefined;
  }

  close(): void {
    this.closed = true;
    for (const k of this.listenKeys.values()) this.clock.clearTimer(k.timer);
    for (const t of this.deadMan.values()) this.clock.clearTimer(t);
    this.listenKeys.clear();
    this.deadMan.clear();
  }
}
