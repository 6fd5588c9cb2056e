// What a sweep keeps of each run: the figures its table ranks and shows, not the series.
import type { BacktestReport } from '../types.ts';

export interface RunSummary {
  readonly costOfVolumeBps: number | null;
  readonly net: string;
  readonly volume: string;
  /** Volume ÷ the target's pace over the run, in % (report.volume.paceHitPct; = targetHitPct for whole days from midnight). */
  readonly hitPct: number;
  /** false when the bot had no volume target: the hit rule does not apply. */
  readonly volumeEnabled: boolean;
  readonly makerSharePct: number;
  readonly maxDrawdown: string;
  readonly selfTrades: number;
  readonly fills: number;
  readonly finalState: string;
  readonly riskTrips: Readonly<Record<string, number>>;
  readonly wallSeconds: number;
  readonly simulatedEvents: number;
}

export function summarize(r: BacktestReport): RunSummary {
  return {
    costOfVolumeBps: r.execution.costOfVolumeBps,
    net: r.pnl.net,
    volume: r.volume.total,
    hitPct: r.volume.paceHitPct,
    volumeEnabled: r.bot.volume.enabled,
    makerSharePct: r.execution.makerSharePct,
    maxDrawdown: r.maxDrawdown,
    selfTrades: r.selfTrades,
    fills: r.fills.count,
    finalState: r.finalState,
    riskTrips: r.riskTrips,
    wallSeconds: r.wallSeconds,
    simulatedEvents: r.simulatedEvents,
  };
}
