import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as fx from '../fixed.ts';
import type { Fixed } from '../fixed.ts';
import { BotLedger } from './bot-ledger.ts';
import type { LedgerFill, LedgerSpec, LedgerStateJson } from './bot-ledger.ts';
import { CashFlows, holdingsChange } from './account-change.ts';

const spec: LedgerSpec = { base: 'DEMO', quote: 'USDT', timeZone: 'Europe/Berlin' };
const LOT = fx.parse('0.001');
const TICK = fx.parse('0.01');
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1, 20, 0, 0);

function fill(side: 'buy' | 'sell', qty: string, price: string, extra: Partial<LedgerFill> = {}): LedgerFill {
  const q = fx.parse(qty);
  const p = fx.parse(price);
  return { side, qty: q, price: p, notional: fx.mul(q, p), fee: 0n, feeAsset: 'USDT', liquidity: 'maker', tag: 'mm', venueTime: T0, ...extra };
}

test('average cost: realized on the closed part, unrealized at the mark, flat means no cost', () => {
  const l = new BotLedger(spec);
  l.applyFill(fill('buy', '2', '100'));
  l.applyFill(fill('buy', '2', '110'));
  let f = l.figures(fx.parse('120'), T0);
  assert.equal(fx.format(f.averageEntry!), '105');
  assert.equal(fx.format(f.unrealized), '60');
  l.applyFill(fill('sell', '3', '120'));
  f = l.figures(fx.parse('120'), T0);
  assert.equal(fx.format(f.realized), '45');
  assert.equal(fx.format(f.position), '1');
  assert.equal(fx.format(f.unrealized), '15');
  // flip to short: close 1 at 90 (−15), open 1 short at 90
  l.applyFill(fill('sell', '2', '90'));
  f = l.figures(fx.parse('80'), T0);
  assert.equal(fx.format(f.realized), '30');
  assert.equal(fx.format(f.position), '-1');
  assert.equal(fx.format(f.averageEntry!), '90');
  assert.equal(fx.format(f.unrealized), '10');
});

test('a fee in base shrinks the position at the fill price and counts as a quote fee', () => {
  const l = new BotLedger(spec);
  l.applyFill(fill('buy', '10', '2', { fee: fx.parse('0.01'), feeAsset: 'DEMO' }));
  const f = l.figures(fx.parse('2'), T0);
  assert.equal(fx.format(f.position), '9.99');
  assert.equal(fx.format(f.fees), '0.02');
  assert.equal(fx.format(f.feesByAsset.get('DEMO')!), '0.01');
  assert.equal(fx.format(f.net), '-0.02');
});

test('fees in a third asset are listed, not valued', () => {
  const l = new BotLedger(spec);
  l.applyFill(fill('buy', '1', '2', { fee: fx.parse('0.5'), feeAsset: 'BNB' }));
  const f = l.figures(fx.parse('2'), T0);
  assert.equal(f.fees, 0n);
  assert.equal(fx.format(f.unvaluedFees.get('BNB')!), '0.5');
});

test('days follow the time zone: a fill after local midnight opens a new day at its price', () => {
  const l = new BotLedger(spec);
  // 22:30 UTC on 1 Nov is 23:30 in Berlin; 23:30 UTC is 00:30 on 2 Nov there
  l.applyFill(fill('buy', '1', '100', { venueTime: Date.UTC(2026, 10, 1, 22, 30) }));
  l.applyFill(fill('sell', '1', '101', { venueTime: Date.UTC(2026, 10, 1, 23, 30), liquidity: 'taker', tag: 'volume' }));
  const f = l.figures(fx.parse('101'), Date.UTC(2026, 10, 1, 23, 45));
  assert.equal(f.today.dayStart, Date.UTC(2026, 10, 1, 23, 0));
  assert.equal(f.today.trades, 1);
  assert.equal(fx.format(f.today.taker), '101');
  assert.equal(fx.format(f.today.volumeLeg), '101');
  // the day opened at 101 with 1 held bought at 100: +1 was yesterday's; today's result is 0
  assert.equal(fx.format(f.today.net!), '0');
  assert.equal(fx.format(f.realized), '1');
  assert.equal(f.allTime.trades, 2);
});

test('openDay records the mark once; a day a fill opened is not reopened', () => {
  const l = new BotLedger(spec);
  l.applyFill(fill('buy', '1', '100'));
  const next = l.dayStartOf(T0 + 24 * HOUR);
  assert.equal(l.openDay(next, fx.parse('90')), true);
  assert.equal(l.openDay(next, fx.parse('80')), false);
  assert.equal(fx.format(l.figures(fx.parse('95'), T0 + 24 * HOUR).today.net!), '5');
});

// ---------------------------------------------------------------- properties

interface FillEvent {
  readonly type: 'fill';
  /** −1: not ours (a manual trade, another tool on the key). */
  readonly bot: number;
  readonly fill: LedgerFill;
}
interface FundingEvent {
  readonly type: 'funding';
  readonly bot: number;
  readonly amount: Fixed;
  readonly at: number;
}
interface MarkEvent {
  readonly type: 'mark';
  readonly at: number;
  readonly mark: Fixed;
}
type LedgerEvent = FillEvent | FundingEvent | MarkEvent;

const stepArb = fc.record({
  kind: fc.constantFrom('fill', 'fill', 'fill', 'funding', 'mark'),
  bot: fc.integer({ min: -1, max: 4 }),
  buy: fc.boolean(),
  lots: fc.integer({ min: 1, max: 50_000 }),
  priceMove: fc.integer({ min: -300, max: 300 }),
  feeKind: fc.constantFrom('quote', 'quote', 'base', 'other', 'none'),
  feeUnits: fc.integer({ min: 0, max: 10_000 }),
  taker: fc.boolean(),
  volume: fc.boolean(),
  gapMinutes: fc.integer({ min: 0, max: 600 }),
  fundingUnits: fc.integer({ min: -5_000, max: 5_000 }),
});

type Step = typeof stepArb extends fc.Arbitrary<infer R> ? R : never;

/** Turns random steps into a time-ordered event list with a random-walk price. */
function toEvents(steps: readonly Step[], bots: number): LedgerEvent[] {
  let priceTicks = 10_000n;
  let at = T0;
  const out: LedgerEvent[] = [];
  for (const s of steps) {
    at += s.gapMinutes * 60_000;
    priceTicks = priceTicks + BigInt(s.priceMove) > 100n ? priceTicks + BigInt(s.priceMove) : priceTicks;
    const price = priceTicks * TICK;
    const bot = s.bot < 0 ? -1 : s.bot % bots;
    if (s.kind === 'mark') {
      out.push({ type: 'mark', at, mark: price });
    } else if (s.kind === 'funding') {
      if (bot >= 0) out.push({ type: 'funding', bot, amount: BigInt(s.fundingUnits) * fx.parse('0.0001'), at });
    } else {
      const qty = BigInt(s.lots) * LOT;
      const notional = fx.mul(qty, price);
      const feeAsset = s.feeKind === 'base' ? 'DEMO' : s.feeKind === 'other' ? 'BNB' : 'USDT';
      const fee = s.feeKind === 'none' ? 0n : s.feeKind === 'base' ? (qty * BigInt(s.feeUnits)) / 1_000_000n : (notional * BigInt(s.feeUnits)) / 1_000_000n;
      out.push({
        type: 'fill',
        bot,
        fill: { side: s.buy ? 'buy' : 'sell', qty, price, notional, fee, feeAsset, liquidity: s.taker ? 'taker' : 'maker', tag: s.volume ? 'volume' : 'mm', venueTime: at, reference: price },
      });
    }
  }
  return out;
}

/**
 * Plays the events into one ledger per bot (index `bots` is the unattributed activity), the way
 * the engine does: marks open trading days, and an opened day's mark is recorded for rebuilds.
 * `restarts` are event indexes where every ledger is thrown away and rebuilt from its newest
 * snapshot plus the events after it (snapshots are taken at `snapshots`).
 */
function play(events: readonly LedgerEvent[], bots: number, restarts: ReadonlySet<number>, snapshots: ReadonlySet<number>, rebuild = true) {
  const dayMarks = Array.from({ length: bots + 1 }, () => new Map<number, Fixed>());
  const make = (i: number) => new BotLedger(spec, { dayMark: (d) => dayMarks[i]!.get(d) });
  let ledgers = Array.from({ length: bots + 1 }, (_, i) => make(i));
  // per ledger: the newest snapshot (as stored JSON) and the events since it
  // (a recorded day mark is stored too, and replayed like the fills: storage folds it in by time)
  const stored = Array.from({ length: bots + 1 }, () => ({ snapshot: undefined as string | undefined, tail: [] as LedgerEvent[] }));
  const apply = (ledger: BotLedger, e: LedgerEvent) => {
    if (e.type === 'fill') ledger.applyFill(e.fill);
    else if (e.type === 'funding') ledger.applyCashFlow({ kind: 'funding', amount: e.amount, venueTime: e.at });
    else ledger.openDay(ledger.dayStartOf(e.at), e.mark);
  };
  let price = fx.parse('100');
  const tick = (at: number, mark: Fixed) =>
    ledgers.forEach((l, i) => {
      const day = l.dayStartOf(at);
      if (l.openDay(day, mark)) {
        dayMarks[i]!.set(day, mark);
        stored[i]!.tail.push({ type: 'mark', at: day, mark });
      }
    });
  events.forEach((e, index) => {
    const at = e.type === 'fill' ? e.fill.venueTime : e.at;
    if (restarts.has(index)) {
      if (rebuild) {
        ledgers = stored.map((s, i) => {
          const l = s.snapshot === undefined ? make(i) : BotLedger.fromJSON(spec, JSON.parse(s.snapshot) as LedgerStateJson, { dayMark: (d) => dayMarks[i]!.get(d) });
          for (const t of s.tail) apply(l, t);
          return l;
        });
      }
      // a (re)starting engine opens the trading day at once, as its first tick does
      tick(at, price);
    }
    if (e.type === 'mark') {
      price = e.mark;
      tick(e.at, e.mark);
    } else {
      const i = e.bot < 0 ? bots : e.bot;
      apply(ledgers[i]!, e);
      stored[i]!.tail.push(e);
    }
    if (snapshots.has(index)) {
      ledgers.forEach((l, i) => {
        stored[i]!.snapshot = JSON.stringify(l.toJSON());
        stored[i]!.tail = [];
      });
    }
  });
  return ledgers;
}

const scenarioArb = fc
  .record({
    bots: fc.integer({ min: 1, max: 5 }),
    steps: fc.array(stepArb, { minLength: 1, maxLength: 120 }),
    restarts: fc.uniqueArray(fc.nat(120), { maxLength: 6 }),
    snapshots: fc.uniqueArray(fc.nat(120), { maxLength: 8 }),
  })
  .map((s) => ({ ...s, events: toEvents(s.steps, s.bots) }))
  .filter((s) => s.events.length > 0);

test('property: per-bot figures after any restarts equal those without one', () => {
  fc.assert(
    fc.property(scenarioArb, ({ bots, events, restarts, snapshots }) => {
      const straight = play(events, bots, new Set(restarts), new Set(), false);
      const restarted = play(events, bots, new Set(restarts), new Set(snapshots));
      const end = events.at(-1)!;
      const at = end.type === 'fill' ? end.fill.venueTime : end.at;
      for (let i = 0; i <= bots; i++) {
        assert.deepEqual(restarted[i]!.toJSON(), straight[i]!.toJSON(), `ledger ${i}`);
        const mark = fx.parse('101.37');
        assert.deepEqual(restarted[i]!.figures(mark, at), straight[i]!.figures(mark, at));
      }
    }),
    { numRuns: 300 },
  );
});

test('property: Σ bots + unattributed = the account equity change at the same mark, to the last unit', () => {
  fc.assert(
    fc.property(scenarioArb, fc.integer({ min: 1, max: 1_000_000 }), ({ bots, events, restarts, snapshots }, markTicks) => {
      const ledgers = play(events, bots, new Set(restarts), new Set(snapshots));
      // the account as the venue keeps it: balances moved by every fill, fee and funding payment
      const start = new Map([
        ['USDT', fx.parse('100000')],
        ['DEMO', fx.parse('5000')],
      ]);
      const balances = new Map(start);
      const add = (asset: string, v: Fixed) => balances.set(asset, (balances.get(asset) ?? 0n) + v);
      for (const e of events) {
        if (e.type === 'funding') add('USDT', e.amount);
        if (e.type !== 'fill') continue;
        const f = e.fill;
        add('USDT', f.side === 'buy' ? -f.notional : f.notional);
        add('DEMO', f.side === 'buy' ? f.qty : -f.qty);
        add(f.feeAsset, -f.fee);
      }
      const mark = BigInt(markTicks) * TICK;
      const account = holdingsChange({ balances: start, positions: new Map() }, { balances, positions: new Map() }, 'USDT', new Map([['DEMO', mark]]));
      const end = events.at(-1)!;
      const at = end.type === 'fill' ? end.fill.venueTime : end.at;
      const sum = ledgers.reduce((s, l) => s + l.figures(mark, at).net, 0n);
      // each ledger values its position with one truncating multiplication: at most one 1e-18 each
      const diff = fx.abs(account.change - sum);
      assert.ok(diff <= BigInt(ledgers.length), `Σ ledgers ${fx.format(sum)} vs account ${fx.format(account.change)}`);
      assert.equal(fx.format(sum, { decimals: 8 }), fx.format(account.change, { decimals: 8 }));
      // fees in a third asset are not in anybody's net; the account shows them as unvalued
      const bnb = ledgers.reduce((s, l) => s + (l.figures(mark, at).unvaluedFees.get('BNB') ?? 0n), 0n);
      assert.equal(account.unvalued.get('BNB') ?? 0n, -bnb);
    }),
    { numRuns: 300 },
  );
});

test('property: the cash-flow sums explain the same change as the ledger fold', () => {
  fc.assert(
    fc.property(scenarioArb, ({ bots, events }) => {
      const ledgers = play(events, bots, new Set(), new Set());
      const flows = Array.from({ length: bots + 1 }, () => new CashFlows(spec));
      for (const e of events) {
        if (e.type === 'fill') flows[e.bot < 0 ? bots : e.bot]!.addFill(e.fill);
        if (e.type === 'funding') flows[e.bot]!.addCashFlow({ kind: 'funding', amount: e.amount, venueTime: e.at });
      }
      const mark = fx.parse('99.99');
      for (let i = 0; i <= bots; i++) {
        const net = ledgers[i]!.figures(mark, T0).net;
        assert.ok(fx.abs(net - flows[i]!.valueAt(mark)) <= 1n);
      }
    }),
    { numRuns: 200 },
  );
});
