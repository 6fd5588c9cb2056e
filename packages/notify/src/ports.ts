// What the notifier needs from the server. The server implements these over its BotManager,
// portfolio statistics and audit log; tests implement them in memory.
import type { BotIdentity } from './events.ts';

/** One bot as remote control and summaries see it. Amounts are decimal strings. */
export interface BotSummary extends BotIdentity {
  /** Lifecycle state: RUNNING, PAUSED, STOPPED, ERROR... */
  readonly state: string;
  /** Risk trading state: ACTIVE, REDUCING, HALTED. */
  readonly tradingState: string;
  readonly baseAsset?: string;
  /** Currency of PnL, volume and fees; totals are only added up within one quote asset. */
  readonly quoteAsset?: string;
  readonly pnlToday: string;
  readonly volumeToday: string;
  /** Daily volume target; "0" when the bot has none. */
  readonly volumeTarget: string;
  /** Fees paid today. */
  readonly fees: string;
  /** Base inventory (spot) or signed position (perps). */
  readonly inventory: string;
  readonly openOrders?: number;
}

/** What a control action did, in words a person reads on a phone. */
export interface ControlResult {
  readonly bot: BotIdentity;
  /** Optional detail, e.g. "12 orders cancelled". */
  readonly detail?: string;
}

export interface KillResult {
  /** Bots that were stopped. */
  readonly bots: number;
  readonly detail?: string;
}

/**
 * Remote control. `ref` is what a person typed: a bot name (case-insensitive) or an id prefix.
 * Failures throw (an EngineError is best: its message is shown as is), for example an unknown
 * or ambiguous bot, or a transition the bot's lifecycle does not allow. `resolveBotRef` gives
 * every implementation the same matching rules.
 */
export interface ControlPort {
  listBots(): readonly BotSummary[] | Promise<readonly BotSummary[]>;
  pause(ref: string): Promise<ControlResult>;
  resume(ref: string): Promise<ControlResult>;
  stop(ref: string): Promise<ControlResult>;
  cancelAll(ref: string): Promise<ControlResult>;
  killAll(reason: string): Promise<KillResult>;
}

export interface AuditEntry {
  /** e.g. `telegram.pause`, `telegram.kill_confirm`, `telegram.rejected_chat`. */
  readonly action: string;
  /** e.g. `telegram:123456789`. */
  readonly actor: string;
  readonly at: number;
  readonly details: Readonly<Record<string, unknown>>;
}

/** The server's audit log. A failure to record is logged by the notifier, never thrown back. */
export interface AuditSink {
  record(entry: AuditEntry): void | Promise<void>;
}

export type NotifyLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface NotifyLogger {
  log(level: NotifyLogLevel, message: string, details?: Readonly<Record<string, unknown>>): void;
}

/** Used when the server passes no logger: warnings and errors still surface on stderr. */
export const stderrLogger: NotifyLogger = {
  log(level, message, details) {
    if (level === 'warn' || level === 'error') console.error(`[notify] ${level}: ${message}`, details ?? '');
  },
};

/** Never lets a logger failure escape into a caller that must not throw. */
export function safeLog(logger: NotifyLogger, level: NotifyLogLevel, message: string, details?: Readonly<Record<string, unknown>>): void {
  try {
    logger.log(level, message, details);
  } catch {
    // nothing sensible left to report to
  }
}
