// The engine's persistence port (@mm/engine BotJournal), restated here because storage may
// import only @mm/core. journal-contract.test.ts checks at compile time that StorageJournal
// still satisfies the engine's interface: if that test stops compiling, bring these in line.
import type { Fill, OrderRecord } from '@mm/core';
import type { HaltTrip } from '../repos/bots.ts';
import type { OrderTag, StatsInput } from '../rows.ts';

export interface RestoredFill {
  readonly fill: Fill;
  readonly tag: OrderTag;
}

export interface BotRestoreState {
  readonly liveOrders: readonly { readonly order: OrderRecord; readonly tag: OrderTag }[];
  readonly fillsToday: readonly RestoredFill[];
  readonly lastFillTime: number | undefined;
  readonly halt: HaltTrip | undefined;
  readonly dayStartEquity?: string;
  readonly peakEquity?: string;
}

export interface BotJournalPort {
  recordIntent(botId: string, order: OrderRecord, tag: OrderTag): Promise<void>;
  recordOrder(botId: string, order: OrderRecord, tag: OrderTag): void;
  recordFill(botId: string, venue: string, fill: Fill, tag: OrderTag): Promise<boolean>;
  recordHalt(botId: string, trip: HaltTrip | undefined): void;
  loadState(botId: string, tradingDayStart: number): Promise<BotRestoreState>;
}

/** The events the BotManager bus carries that storage keeps (structural: any bus with `on`). */
export interface BotEventSource {
  on(topic: 'log', handler: (e: { readonly botId: string; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly message: string; readonly at: number; readonly details?: Readonly<Record<string, unknown>> }) => void): () => void;
  on(topic: 'state', handler: (e: { readonly botId: string; readonly state: string; readonly previous: string; readonly reason?: string; readonly at: number }) => void): () => void;
  on(
    topic: 'risk',
    handler: (e: {
      readonly botId: string;
      readonly type: 'trip' | 'clear' | 'denial';
      readonly rule: string;
      readonly value?: string;
      readonly limit?: string;
      readonly action?: string;
      readonly message: string;
      readonly at: number;
    }) => void,
  ): () => void;
  on(topic: 'stats', handler: (e: StatsInput) => void): () => void;
}
