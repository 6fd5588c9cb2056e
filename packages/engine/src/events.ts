// What a bot tells the world. The BotManager re-publishes these on its bus for storage, the
// dashboard stream and notifiers. Amounts in stats are decimal strings (display boundary).
import type { BotStatsDto, Fill, OrderRecord, RiskAction, RiskRule } from '@mm/core';
import type { TradingState } from '@mm/risk';
import type { OrderTag } from './journal.ts';
import type { BotState } from './lifecycle.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The dashboard's stats (BotStatsDto) plus who and in which state. */
export interface BotStatsSnapshot extends BotStatsDto {
  readonly botId: string;
  readonly state: BotState;
  readonly tradingState: TradingState;
  readonly quotingBlocked: boolean;
  readonly symbol: string;
}

export interface BotEvents {
  state: { readonly botId: string; readonly state: BotState; readonly previous: BotState; readonly reason?: string; readonly at: number };
  order: { readonly botId: string; readonly order: OrderRecord; readonly tag: OrderTag; readonly at: number };
  fill: { readonly botId: string; readonly venue: string; readonly fill: Fill; readonly tag: OrderTag; readonly notional: string };
  risk: {
    readonly botId: string;
    readonly type: 'trip' | 'clear' | 'denial';
    readonly rule: RiskRule;
    readonly value?: string;
    readonly limit?: string;
    readonly action?: RiskAction;
    readonly message: string;
    readonly at: number;
  };
  log: { readonly botId: string; readonly level: LogLevel; readonly message: string; readonly at: number; readonly details?: Readonly<Record<string, unknown>> };
  stats: BotStatsSnapshot;
  /** A venue stream of this bot dropped or came back. */
  connection: { readonly botId: string; readonly stream: 'market' | 'private'; readonly state: 'disconnected' | 'reconnected'; readonly reason?: string; readonly at: number };
}
