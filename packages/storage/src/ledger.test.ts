// The ledger's storage on both backends: a bot rebuilt from its snapshot plus the rows after it
// equals the straight fold of everything it recorded (also after a reconnect), the snapshot is
// really used, a symbol change starts afresh, and an account's reconciliation sums.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { BotLedger, foldInto, fx, ledgerFillOf, ledgerSpecOf } from '@mm/core';
import type { Fill, LedgerFill, OrderTag } from '@mm/core';
import { BACKENDS, fill, INSTRUMENT, seedBot, suiteStorage, truncateAll } from '../test-support/fixtures.ts';
import type { Storage } from './storage.ts';

const spec = ledgerSpecOf(INSTRUMENT, 'UTC');

/** Fills with both sides, fees in quote and in base, and a reference price. */
function history(n: number, from = 0): { fill: Fill; tag: OrderTag; reference: bigint }[] {
  return Array.from({ length: n }, (_, i) => {
    const k = from + i;
    const side = k % 3 === 0 ? 'sell' : 'buy';
    const baseFee = k % 5 === 0;
    return {
      fill: fill({ side, priceTicks: 5_000_000 + ((k * 37) % 400) - 200, qtyLots: 10 + (k % 7) * 13, fee: baseFee ? fx.parse('0.00001') : fx.parse('0.0125'), feeAsset: baseFee ? 'BTC' : 'USDT', liquidity: k % 4 === 0 ? 'taker' : 'maker' }),
      tag: k % 6 === 0 ? 'volume' : 'mm',
      reference: INSTRUMENT.ticksToFixed(5_000_000),
    };
  });
}

const asLedgerFills = (rows: readonly { fill: Fill; tag: OrderTag; reference: bigint }[]): LedgerFill[] => rows.map((r) => ledgerFillOf(INSTRUMENT, r.fill, r.tag, r.reference));

for (const backend of BACKENDS) {
  describe(`ledger storage on ${backend.name}`, { skip: backend.skip }, () => {
    let storage: Storage;
    suiteStorage(backend, (s) => (storage = s));
    beforeEach(() => truncateAll(storage));

    test('snapshot plus tail equals the straight fold of every fill, cash flow and day mark', async () => {
      const botId = await seedBot(storage);
      const first = history(260);
      await Promise.all(first.map((r) => storage.journal.recordFill(botId, 'sim', r.fill, r.tag, r.reference)));
      const dayStart = Math.floor(1_700_000_000_000 / 86_400_000) * 86_400_000;
      storage.journal.recordDayMark(botId, dayStart, fx.parse('50000'));
      const flow = { kind: 'funding' as const, id: 'funding:BTCUSDT:1', symbol: 'BTCUSDT', asset: 'USDT', amount: fx.parse('-0.75'), venueTime: 1_700_000_000_150, receivedAt: 1_700_000_000_150 };
      storage.journal.recordCashFlow({ accountId: 'paper', venue: 'sim', botId, flow, amount: fx.parse('-0.5') });
      storage.journal.recordCashFlow({ accountId: 'paper', venue: 'sim', botId, flow, amount: fx.parse('-0.5') }); // replayed: stored once
      await storage.flush();

      const loaded = await storage.ledger.load(botId, 'BTCUSDT', spec);
      const straight = foldInto(new BotLedger(spec), asLedgerFills(first), [{ kind: 'funding', amount: fx.parse('-0.5'), venueTime: flow.venueTime }], [{ dayStart, mark: fx.parse('50000') }]);
      assert.deepEqual(loaded.toJSON(), straight.toJSON());
      assert.equal(fx.format(loaded.figures(undefined, 0).funding), '-0.5');
      const result = (await storage.context.db.execute(sql`select through_fill_id from ledger_snapshots where bot_id = ${botId}`)) as unknown as { rows: { through_fill_id: string }[] };
      assert.ok(Number(result.rows[0]?.through_fill_id) > 0, 'a long tail was folded into a snapshot');

      // more fills after the snapshot: the rebuild folds only those on top of it
      const second = history(40, 260);
      await Promise.all(second.map((r) => storage.journal.recordFill(botId, 'sim', r.fill, r.tag, r.reference)));
      await storage.flush();
      const again = await storage.ledger.load(botId, 'BTCUSDT', spec);
      for (const l of asLedgerFills(second)) straight.applyFill(l);
      assert.deepEqual(again.toJSON(), straight.toJSON());

      // the snapshot is what a rebuild starts from: a doctored one shows through
      await storage.context.db.execute(sql`update ledger_snapshots set state = jsonb_set(state, '{realized}', '"1000000"') where bot_id = ${botId}`);
      assert.equal(fx.format((await storage.ledger.load(botId, 'BTCUSDT', spec)).figures(undefined, 0).realized), fx.format(fx.parse('1000000') + (again.figures(undefined, 0).realized - straightRealizedAtSnapshot(first, second, flow.venueTime, dayStart))));
      // another symbol (or other currencies) does not reuse it
      const other = await storage.ledger.load(botId, 'ETHUSDT', { ...spec });
      assert.equal(other.figures(undefined, 0).allTime.trades, 0);
    });

    test('the rebuilt ledger is the same after the database connection is replaced', async () => {
      const durable = await backend.openDurable();
      try {
        const s1 = durable.storage;
        const botId = await seedBot(s1);
        const rows = history(30);
        await Promise.all(rows.map((r) => s1.journal.recordFill(botId, 'sim', r.fill, r.tag, r.reference)));
        await s1.flush();
        const before = (await s1.ledger.load(botId, 'BTCUSDT', spec)).toJSON();
        await s1.close();
        const s2 = await durable.reopen();
        try {
          assert.deepEqual((await s2.ledger.load(botId, 'BTCUSDT', spec)).toJSON(), before);
          assert.equal((await s2.ledger.storedSpec(botId))?.symbol, 'BTCUSDT');
        } finally {
          await s2.close();
        }
      } finally {
        await durable.cleanup();
      }
    });

    test('an account baseline is taken once; sums since it split bots from unattributed activity', async () => {
      const botId = await seedBot(storage);
      const early = history(3);
      await Promise.all(early.map((r) => storage.journal.recordFill(botId, 'sim', r.fill, r.tag)));
      await storage.flush();
      const baseline = await storage.ledger.ensureBaseline('paper', { balances: { USDT: '1000', BTC: '1' }, positions: {} }, 1_000);
      const same = await storage.ledger.ensureBaseline('paper', { balances: { USDT: '5' }, positions: {} }, 2_000);
      assert.deepEqual(same, baseline, 'the first baseline stays');
      const late = history(4, 3);
      await Promise.all(late.map((r) => storage.journal.recordFill(botId, 'sim', r.fill, r.tag)));
      const manual = ledgerFillOf(INSTRUMENT, fill({ side: 'sell', qtyLots: 1_000, clientOrderId: 'manual-1' }), 'mm', undefined);
      const accountFill = { ...manual, accountId: 'paper', venue: 'sim', symbol: 'BTCUSDT', tradeId: 'manual-t1', clientOrderId: 'manual-1', receivedAt: 1 };
      storage.journal.recordAccountFill(accountFill);
      storage.journal.recordAccountFill(accountFill); // the stream delivered it twice
      storage.journal.recordCashFlow({ accountId: 'paper', venue: 'sim', botId: undefined, flow: { kind: 'transfer', id: 'dep-1', symbol: undefined, asset: 'USDT', amount: fx.parse('250'), venueTime: 5, receivedAt: 5 }, amount: fx.parse('250') });
      await storage.flush();
      const sums = await storage.ledger.fillSumsSince(baseline, [botId]);
      const botTrades = sums.filter((x) => x.botId === botId).reduce((n, x) => n + x.trades, 0);
      assert.equal(botTrades, late.length, 'only fills after the baseline count');
      const nobody = sums.filter((x) => x.botId === undefined);
      assert.deepEqual(nobody.map((x) => [x.side, x.trades, fx.format(x.baseQty)]), [['sell', 1, '1']]);
      const botBuyNotional = sums.filter((x) => x.botId === botId && x.side === 'buy').reduce((v, x) => v + x.notional, 0n);
      assert.equal(botBuyNotional, asLedgerFills(late.map((r) => ({ ...r, reference: 0n }))).filter((f) => f.side === 'buy').reduce((v, f) => v + f.notional, 0n));
      const flows = await storage.ledger.flowSumsSince(baseline);
      assert.deepEqual(flows.map((f) => [f.botId, f.kind, fx.format(f.amount)]), [[undefined, 'transfer', '250']]);
    });
  });
}

/** Realized PnL of the fold at the snapshot (the first history and the mark and flow), for the doctored-snapshot check. */
function straightRealizedAtSnapshot(first: ReturnType<typeof history>, _second: ReturnType<typeof history>, flowTime: number, dayStart: number): bigint {
  return foldInto(new BotLedger(spec), asLedgerFills(first), [{ kind: 'funding', amount: fx.parse('-0.5'), venueTime: flowTime }], [{ dayStart, mark: fx.parse('50000') }]).figures(undefined, 0).realized;
}
