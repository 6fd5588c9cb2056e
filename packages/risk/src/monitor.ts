// Live risk monitors. The engine feeds a snapshot (equity, data freshness, prices, perp margin)
// on a timer and reports errors, rejections and venue margin calls as they happen. A rule
// trips once (edge-triggered) and stays active until its condition clears; halts stay until
// an operator resets them. The trading state follows from the active trips.
import { fx } from '@mm/core';
import type { Fixed, RiskConfig, RiskRule } from '@mm/core';
import { actionFor } from './actions.ts';
import type { RiskTrip, RuleStatus, TradingState } from './types.ts';

export interface RiskSnapshot {
  readonly now: number;
  /** Account value in quote at the reference price. */
  readonly equity: Fixed | undefined;
  readonly dayStartEquity: Fixed | undefined;
  readonly peakEquity: Fixed | undefined;
  readonly lastMarketDataAt: number | undefined;
  readonly reference: Fixed | undefined;
  readonly venueMid: Fixed | undefined;
  readonly perp?: {
    readonly positionNotional: Fixed;
    /** Maintenance margin as % of margin balance. */
    readonly marginRatioPct: number | undefined;
    /** Distance of the mark to the liquidation price, in %. */
    readonly liquidationDistancePct: number | undefined;
    readonly adlQuantile: number | undefined;
  };
}

export interface Evaluation {
  readonly tripped: readonly RiskTrip[];
  readonly cleared: readonly RiskRule[];
}

interface Measure {
  readonly rule: RiskRule;
  readonly label: string;
  /** undefined: the rule is off or has nothing to measure. */
  readonly breached: boolean | undefined;
  readonly value: string;
  readonly limit: string;
  readonly message: string;
}

const LABELS: Partial<Record<RiskRule, string>> = {
  daily_loss: 'Daily loss',
  drawdown: 'Drawdown from peak',
  api_errors: 'API error breaker',
  rejects: 'Reject breaker',
  stale_data: 'Market data freshness',
  reference_deviation: 'Reference vs venue price',
  position_limit: 'Position size',
  margin_ratio: 'Margin ratio',
  liquidation_distance: 'Distance to liquidation',
  adl_quantile: 'ADL quantile',
  margin_call: 'Margin call',
  kill_switch: 'Kill switch',
};

export class RiskMonitor {
  private readonly active = new Map<RiskRule, RiskTrip>();
  private readonly errors: number[] = [];
  private readonly rejects: number[] = [];
  private marginCallAt: number | undefined;
  private marginCallMessage = '';

  constructor(private config: RiskConfig) {}

  setConfig(config: RiskConfig): void {
    this.config = config;
  }

  get tradingState(): TradingState {
    let reducing = false;
    for (const trip of this.active.values()) {
      if (trip.action === 'halt') return 'HALTED';
      if (trip.action === 'reduce') reducing = true;
    }
    return reducing ? 'REDUCING' : 'ACTIVE';
  }

  /** True while a pause or cancel-all trip is active: no quoting, orders pulled. */
  get quotingBlocked(): boolean {
    for (const trip of this.active.values()) if (trip.action === 'pause' || trip.action === 'cancel_all') return true;
    return false;
  }

  activeTrips(): RiskTrip[] {
    return [...this.active.values()];
  }

  recordApiError(now: number): void {
    this.errors.push(now);
  }

  recordReject(now: number): void {
    this.rejects.push(now);
  }

  /** A venue margin call (perps) trips `margin_call` until autoResumeMs passes without another. */
  recordMarginCall(now: number, message: string): void {
    this.marginCallAt = now;
    this.marginCallMessage = message;
  }

  /** The operator's kill switch: halts until reset. Returns the trip to report. */
  kill(now: number, reason: string): RiskTrip {
    const trip: RiskTrip = { rule: 'kill_switch', value: 'engaged', limit: 'off', action: 'halt', message: `kill switch: ${reason}`, at: now };
    this.active.set('kill_switch', trip);
    return trip;
  }

  /** Restores a halt that was persisted before a restart. */
  restoreTrip(trip: RiskTrip): void {
    this.active.set(trip.rule, trip);
  }

  /** Clears every halt (operator action). Conditions still breached trip again on the next evaluation. */
  resetHalt(): RiskRule[] {
    const cleared: RiskRule[] = [];
    for (const [rule, trip] of this.active) {
      if (trip.action === 'halt') {
        this.active.delete(rule);
        cleared.push(rule);
      }
    }
    return cleared;
  }

  evaluate(snapshot: RiskSnapshot): Evaluation {
    const tripped: RiskTrip[] = [];
    const cleared: RiskRule[] = [];
    for (const m of this.measure(snapshot)) {
      const current = this.active.get(m.rule);
      if (m.breached === true && current === undefined) {
        const trip: RiskTrip = { rule: m.rule, value: m.value, limit: m.limit, action: actionFor(this.config, m.rule), message: m.message, at: snapshot.now };
        this.active.set(m.rule, trip);
        tripped.push(trip);
      } else if (m.breached !== true && current !== undefined && current.action !== 'halt' && this.mayClear(m.rule, current, snapshot.now)) {
        this.active.delete(m.rule);
        cleared.push(m.rule);
      }
    }
    return { tripped, cleared };
  }

  /** Every monitored limit with its current value, threshold and state, for the risk panel. */
  statuses(snapshot: RiskSnapshot): RuleStatus[] {
    return this.measure(snapshot).map((m) => ({
      rule: m.rule,
      label: m.label,
      value: m.value,
      limit: m.limit,
      state: this.active.has(m.rule) ? 'tripped' : m.breached === undefined ? 'off' : 'ok',
      action: actionFor(this.config, m.rule),
    }));
  }

  /** Count breakers hold for autoResumeMs (0: until an operator resumes); conditions clear at once. */
  private mayClear(rule: RiskRule, trip: RiskTrip, now: number): boolean {
    if (rule === 'api_errors' || rule === 'rejects' || rule === 'margin_call') {
      return this.config.autoResumeMs > 0 && now - trip.at >= this.config.autoResumeMs;
    }
    return true;
  }

  private countInWindow(times: number[], now: number, windowMs: number): number {
    while (times.length > 0 && times[0]! <= now - windowMs) times.shift();
    return times.length;
  }

  private measure(s: RiskSnapshot): Measure[] {
    const c = this.config;
    const out: Measure[] = [];
    const money = (v: Fixed) => fx.format(v, { decimals: 2 });
    const add = (rule: RiskRule, breached: boolean | undefined, value: string, limit: string, message: string) =>
      out.push({ rule, label: LABELS[rule] ?? rule, breached, value, limit, message });

    const lossLimit = fx.parse(c.dailyLossLimitQuote);
    if (lossLimit > 0n && s.equity !== undefined && s.dayStartEquity !== undefined) {
      const loss = s.dayStartEquity - s.equity;
      add('daily_loss', loss >= lossLimit, money(loss), c.dailyLossLimitQuote, `daily loss ${money(loss)} reached the limit of ${c.dailyLossLimitQuote}`);
    } else add('daily_loss', undefined, '—', c.dailyLossLimitQuote === '0' ? 'off' : c.dailyLossLimitQuote, '');

    const ddLimit = fx.parse(c.maxDrawdownQuote);
    if (ddLimit > 0n && s.equity !== undefined && s.peakEquity !== undefined) {
      const dd = s.peakEquity - s.equity;
      add('drawdown', dd >= ddLimit, money(dd), c.maxDrawdownQuote, `drawdown ${money(dd)} from the equity peak reached the limit of ${c.maxDrawdownQuote}`);
    } else add('drawdown', undefined, '—', c.maxDrawdownQuote === '0' ? 'off' : c.maxDrawdownQuote, '');

    const errors = this.countInWindow(this.errors, s.now, c.apiErrorBreaker.windowMs);
    add('api_errors', errors >= c.apiErrorBreaker.count, String(errors), `${c.apiErrorBreaker.count} / ${c.apiErrorBreaker.windowMs / 1000}s`, `${errors} venue errors within ${c.apiErrorBreaker.windowMs / 1000} s`);
    const rejects = this.countInWindow(this.rejects, s.now, c.rejectBreaker.windowMs);
    add('rejects', rejects >= c.rejectBreaker.count, String(rejects), `${c.rejectBreaker.count} / ${c.rejectBreaker.windowMs / 1000}s`, `${rejects} order rejections within ${c.rejectBreaker.windowMs / 1000} s`);

    const age = s.lastMarketDataAt === undefined ? undefined : s.now - s.lastMarketDataAt;
    add('stale_data', age === undefined || age > c.staleDataMs, age === undefined ? 'no data' : `${age} ms`, `${c.staleDataMs} ms`, age === undefined ? 'no market data yet' : `no market data for ${age} ms`);

    if (s.reference !== undefined && s.venueMid !== undefined && s.venueMid > 0n) {
      const dev = fx.div(fx.abs(s.reference - s.venueMid) * 100n, s.venueMid);
      add('reference_deviation', dev > fx.fromNumber(c.maxReferenceDeviationPct), `${fx.format(dev, { decimals: 3 })} %`, `${c.maxReferenceDeviationPct} %`, `reference and venue mid differ by ${fx.format(dev, { decimals: 3 })} %`);
    } else add('reference_deviation', undefined, '—', `${c.maxReferenceDeviationPct} %`, '');

    if (s.perp !== undefined) {
      const maxPos = fx.parse(c.maxPositionNotionalQuote);
      add('position_limit', maxPos > 0n ? s.perp.positionNotional > maxPos : undefined, money(s.perp.positionNotional), maxPos > 0n ? c.maxPositionNotionalQuote : 'off', `position ${money(s.perp.positionNotional)} is above ${c.maxPositionNotionalQuote}`);
      const ratio = s.perp.marginRatioPct;
      add('margin_ratio', ratio === undefined ? undefined : ratio >= c.minMarginRatioPct, ratio === undefined ? '—' : `${ratio.toFixed(1)} %`, `${c.minMarginRatioPct} %`, `margin ratio ${ratio?.toFixed(1)} % reached ${c.minMarginRatioPct} %`);
      const dist = s.perp.liquidationDistancePct;
      add('liquidation_distance', dist === undefined ? undefined : dist <= c.minLiquidationDistancePct, dist === undefined ? '—' : `${dist.toFixed(2)} %`, `${c.minLiquidationDistancePct} %`, `the mark is ${dist?.toFixed(2)} % from liquidation`);
      const adl = s.perp.adlQuantile;
      const adlOn = c.maxAdlQuantile <= 4;
      add('adl_quantile', adl === undefined || !adlOn ? undefined : adl >= c.maxAdlQuantile, adl === undefined ? '—' : String(adl), adlOn ? String(c.maxAdlQuantile) : 'off', `ADL quantile ${adl} reached ${c.maxAdlQuantile}`);
      const call = this.marginCallAt !== undefined && s.now - this.marginCallAt < Math.max(c.autoResumeMs, 1);
      add('margin_call', call, call ? 'received' : 'none', 'none', this.marginCallMessage || 'margin call received from the venue');
    }
    const kill = this.active.get('kill_switch');
    add('kill_switch', kill !== undefined ? true : false, kill ? 'engaged' : 'off', 'off', kill?.message ?? '');
    return out;
  }
}
