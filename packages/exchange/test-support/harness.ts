// What a venue must provide to run the shared conformance suite. The simulated exchange, the
// Asterdex mock and the BitMart mock each build one of these.
import type { Instrument, Side, TimeInForce } from '@mm/core';
import type { VenueAdapter } from '../src/port.ts';

/** Another participant on the same venue and symbol, so our orders have someone to trade with. */
export interface Counterparty {
  /** Places a limit order (GTC unless told) from a different account. Resolves once it rests or has traded. */
  place(order: { side: Side; priceTicks: number; qtyLots: number; timeInForce?: TimeInForce }): Promise<void>;
  cancelAll(): Promise<void>;
}

/** Faults the venue (or its mock) can inject on request. */
export interface FaultControls {
  /** Drops the private (user data) stream; the adapter must notice and reconnect by itself. */
  dropPrivateStream(): Promise<void>;
  /** Drops the market data stream; the adapter must notice, reconnect and rebuild its book. */
  dropMarketStream(): Promise<void>;
  /** While on, every own fill is delivered twice on the private stream. */
  duplicateFills(on: boolean): void;
  /** The next order-entry request is refused as rate limited (HTTP 429 or the venue's equivalent). */
  rateLimitNextRequest(): void;
  /** The next submit reaches the matching engine, but its response is lost (HTTP 503 / timeout). */
  loseNextSubmitResponse(): void;
}

export interface ConformanceHarness {
  /** The adapter under test: connected, market data subscribed for `symbol`, funded in both assets. */
  readonly venue: VenueAdapter;
  /** A second adapter on the same account (as two bots sharing an account), connected. */
  readonly sameAccount: VenueAdapter;
  readonly symbol: string;
  readonly instrument: Instrument;
  readonly counterparty: Counterparty;
  /**
   * A price (ticks) for the test book. The book starts empty; tests place orders around this
   * price and every order they place is at least minNotional.
   */
  readonly midTicks: number;
  /** A quantity in lots that is comfortably above the minimum quantity and notional at midTicks. */
  readonly unitLots: number;
  readonly faults: FaultControls;
  /** Lets pending venue work and stream deliveries happen (simulated: advance the clock; mocks: wait). */
  settle(ms?: number): Promise<void>;
  /** Current time on the venue's clock. */
  now(): number;
  close(): Promise<void>;
}

export type HarnessFactory = () => Promise<ConformanceHarness>;
