// An in-memory ControlPort, AuditSink and logger: what the server provides, reduced to lists a
// test can inspect.
import { EngineError } from '@mm/core';
import { resolveBotRef, type AuditEntry, type AuditSink, type BotSummary, type ControlPort, type ControlResult, type KillResult, type NotifyLogger, type NotifyLogLevel } from '../src/index.ts';

export interface ControlCall {
  readonly action: 'pause' | 'resume' | 'stop' | 'cancelAll' | 'killAll';
  readonly botId?: string;
  readonly arg: string;
}

export function sampleBot(overrides: Partial<BotSummary> & Pick<BotSummary, 'id' | 'name'>): BotSummary {
  return {
    venue: 'asterdex',
    symbol: 'BTCUSDT',
    state: 'RUNNING',
    tradingState: 'ACTIVE',
    baseAsset: 'BTC',
    quoteAsset: 'USDT',
    pnlToday: '12.5',
    volumeToday: '120500',
    volumeTarget: '200000',
    fees: '1.2',
    inventory: '0.51',
    openOrders: 10,
    ...overrides,
  };
}

export class FakeControl implements ControlPort {
  readonly calls: ControlCall[] = [];
  bots: BotSummary[];

  constructor(bots: BotSummary[]) {
    this.bots = bots;
  }

  listBots(): readonly BotSummary[] {
    return this.bots;
  }

  pause(ref: string): Promise<ControlResult> {
    return this.act('pause', ref, (b) => {
      if (b.state !== 'RUNNING') throw new EngineError('ILLEGAL_STATE', `${b.name} is ${b.state}, only a running bot can be paused`);
      return { ...b, state: 'PAUSED' };
    });
  }

  resume(ref: string): Promise<ControlResult> {
    return this.act('resume', ref, (b) => ({ ...b, state: 'RUNNING' }));
  }

  stop(ref: string): Promise<ControlResult> {
    return this.act('stop', ref, (b) => ({ ...b, state: 'STOPPED' }));
  }

  cancelAll(ref: string): Promise<ControlResult> {
    return this.act('cancelAll', ref, (b) => ({ ...b, openOrders: 0 }), (b) => `${b.openOrders ?? 0} orders cancelled`);
  }

  killAll(reason: string): Promise<KillResult> {
    this.calls.push({ action: 'killAll', arg: reason });
    const running = this.bots.filter((b) => b.state !== 'STOPPED').length;
    this.bots = this.bots.map((b) => ({ ...b, state: 'STOPPED', openOrders: 0 }));
    return Promise.resolve({ bots: running });
  }

  bot(id: string): BotSummary | undefined {
    return this.bots.find((b) => b.id === id);
  }

  private act(action: ControlCall['action'], ref: string, change: (b: BotSummary) => BotSummary, detail?: (b: BotSummary) => string): Promise<ControlResult> {
    const found = resolveBotRef(this.bots, ref);
    if (!found.ok) return Promise.reject(found.error);
    const before = found.value;
    const after = change(before);
    this.bots = this.bots.map((b) => (b.id === before.id ? after : b));
    this.calls.push({ action, botId: before.id, arg: ref });
    const { id, name, venue, symbol } = after;
    return Promise.resolve({ bot: { id, name, venue, symbol }, ...(detail === undefined ? {} : { detail: detail(before) }) });
  }
}

export class MemoryAudit implements AuditSink {
  readonly entries: AuditEntry[] = [];

  record(entry: AuditEntry): void {
    this.entries.push(entry);
  }

  actions(): string[] {
    return this.entries.map((e) => e.action);
  }
}

export interface LogEntry {
  readonly level: NotifyLogLevel;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export class MemoryLogger implements NotifyLogger {
  readonly entries: LogEntry[] = [];

  log(level: NotifyLogLevel, message: string, details?: Readonly<Record<string, unknown>>): void {
    this.entries.push({ level, message, ...(details === undefined ? {} : { details }) });
  }

  text(): string {
    return this.entries.map((e) => `${e.level} ${e.message} ${e.details === undefined ? '' : JSON.stringify(e.details)}`).join('\n');
  }
}
