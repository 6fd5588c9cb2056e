// The dashboard's queries on both backends: users and sessions, bots and config history,
// filtered and paginated lists (offset and cursor, with totals), event text search, audit,
// settings and the simulator's saved state.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { isEngineError } from '@mm/core';
import { BACKENDS, botConfig, fill, order, seedBot, suiteStorage, truncateAll } from '../test-support/fixtures.ts';
import type { Storage } from './storage.ts';

for (const backend of BACKENDS) {
  describe(`repositories on ${backend.name}`, { skip: backend.skip }, () => {
    let storage: Storage;
    suiteStorage(backend, (s) => (storage = s));
    beforeEach(() => truncateAll(storage));

    test('users and sessions', async () => {
      assert.equal(await storage.users.count(), 0, 'first run: no users');
      const alice = await storage.users.create({ username: 'alice', passwordHash: 'scrypt$hash' });
      await assert.rejects(storage.users.create({ username: 'alice', passwordHash: 'x' }), (e: unknown) => isEngineError(e, 'CONFLICT'));
      assert.equal((await storage.users.credentialsFor('alice'))?.passwordHash, 'scrypt$hash');
      assert.ok(!JSON.stringify(await storage.users.list()).includes('scrypt$hash'), 'lists carry no hash');
      await storage.users.recordLogin(alice.id, 1_000);
      assert.equal((await storage.users.get(alice.id))?.lastLoginAt, 1_000);

      const now = Date.now();
      await storage.sessions.create({ tokenHash: 'h1', userId: alice.id, expiresAt: now + 60_000, ip: '127.0.0.1', userAgent: 'test' });
      await storage.sessions.create({ tokenHash: 'h2', userId: alice.id, expiresAt: now - 1 });
      const s = await storage.sessions.findValid('h1', now);
      assert.equal(s?.username, 'alice');
      assert.equal(s?.ip, '127.0.0.1');
      assert.equal(await storage.sessions.findValid('h2', now), undefined, 'expired');
      assert.equal(await storage.sessions.deleteExpired(now), 1);
      await storage.users.setPasswordHash(alice.id, 'new');
      assert.equal(await storage.sessions.deleteForUser(alice.id), 1);
      assert.equal(await storage.sessions.findValid('h1', now), undefined);
    });

    test('bots keep every config version', async () => {
      const id = await seedBot(storage, 'alpha');
      const bot = await storage.bots.require(id);
      assert.deepEqual([bot.name, bot.accountId, bot.symbol, bot.mode, bot.desiredState, bot.configVersion], ['alpha', 'paper', 'BTCUSDT', 'paper', 'stopped', 1]);
      assert.equal(bot.config.marketMaking.bidLevels, botConfig().marketMaking.bidLevels);
      const v2 = await storage.bots.updateConfig(id, botConfig({ name: 'alpha v2', symbol: 'ETHUSDT' }), 'alice');
      assert.equal(v2, 2);
      const current = await storage.bots.require(id);
      assert.deepEqual([current.name, current.symbol, current.configVersion, current.config.name], ['alpha v2', 'ETHUSDT', 2, 'alpha v2']);
      const versions = await storage.configVersions.list(id);
      assert.deepEqual(versions.map((v) => [v.version, v.config.name, v.changedBy]), [
        [2, 'alpha v2', 'alice'],
        [1, 'alpha', 'test'],
      ]);
      assert.equal((await storage.configVersions.get(id, 1))?.config.symbol, 'BTCUSDT');
      await storage.bots.setDesiredState(id, 'running');
      assert.deepEqual((await storage.bots.list({ desiredState: 'running' })).map((b) => b.id), [id]);
      await storage.bots.archive(id);
      assert.equal((await storage.bots.list()).length, 0);
      assert.equal((await storage.bots.list({ includeArchived: true }))[0]?.desiredState, 'stopped');
      await assert.rejects(storage.bots.create({ config: botConfig({ accountId: 'nope' }) }), (e: unknown) => isEngineError(e, 'INVALID_ARGUMENT'));
      await assert.rejects(storage.bots.setDesiredState(id, 'flying' as never), /desiredState/);
      assert.equal(await storage.bots.get('not-a-uuid'), undefined);
    });

    test('orders: filters, offset and cursor pages with totals', async () => {
      const a = await seedBot(storage, 'a');
      const b = await seedBot(storage, 'b');
      const t0 = 1_700_000_000_000;
      for (let i = 0; i < 25; i++) {
        const o = order({ side: i % 2 === 0 ? 'buy' : 'sell' }, t0 + i * 1_000);
        await storage.journal.recordIntent(i < 20 ? a : b, o, i % 5 === 0 ? 'volume' : 'mm');
        if (i % 3 === 0) storage.journal.recordOrder(i < 20 ? a : b, { ...o, status: 'canceled' }, 'mm');
      }
      await storage.flush();
      const all = await storage.orders.list({ botId: a, limit: 100 });
      assert.equal(all.total, 20);
      assert.deepEqual(all.items.map((o) => o.createdAt), [...all.items.map((o) => o.createdAt)].sort((x, y) => y - x), 'newest first');
      assert.equal((await storage.orders.list({ botId: a, side: 'buy' })).total, 10);
      assert.equal((await storage.orders.list({ botId: a, status: 'canceled' })).total, 7);
      assert.equal((await storage.orders.list({ botId: a, live: true })).total, 13);
      assert.equal((await storage.orders.list({ botId: a, status: ['canceled', 'pending_new'] })).total, 20);
      assert.equal((await storage.orders.list({ tag: 'volume' })).total, 5);
      assert.equal((await storage.orders.list({ from: t0 + 5_000, to: t0 + 10_000 })).total, 5);

      const byOffset = await storage.orders.list({ botId: a, limit: 8, offset: 16 });
      assert.deepEqual([byOffset.items.length, byOffset.total, byOffset.offset, byOffset.nextCursor], [4, 20, 16, undefined]);

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await storage.orders.list({ botId: a, limit: 6, ...(cursor === undefined ? {} : { cursor }) });
        assert.equal(page.total, 20);
        seen.push(...page.items.map((o) => o.clientOrderId));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      assert.deepEqual(seen, all.items.map((o) => o.clientOrderId), 'cursor pages cover the list once, in order');
      await assert.rejects(storage.orders.list({ cursor: 'garbage' }), /cursor is not valid/);
      await assert.rejects(storage.orders.list({ limit: 0 }), /limit must be/);
    });

    test('fills: filters, cursor pages and exact totals', async () => {
      const id = await seedBot(storage);
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          storage.journal.recordFill(id, 'sim', fill({ side: i % 3 === 0 ? 'sell' : 'buy', liquidity: i % 4 === 0 ? 'taker' : 'maker', venueTime: 1_000 + i }), i % 2 === 0 ? 'mm' : 'volume'),
        ),
      );
      const page1 = await storage.fills.list({ botId: id, limit: 5 });
      const page2 = await storage.fills.list({ botId: id, limit: 5, cursor: page1.nextCursor! });
      assert.deepEqual([page1.total, page1.items[0]?.venueTime, page2.items[0]?.venueTime], [12, 1_011, 1_006]);
      assert.equal((await storage.fills.list({ botId: id, side: 'sell' })).total, 4);
      assert.equal((await storage.fills.list({ botId: id, tag: 'mm', liquidity: 'maker' })).total, 3);
      const totals = await storage.fills.totals({ botId: id });
      assert.deepEqual(totals, { fills: 12, notional: '150000.36', maker: '112500.27', taker: '37500.09', buyQty: '2', sellQty: '1' });
      assert.equal((await storage.fills.list({ botId: 'nope' })).total, 0);
    });

    test('fills: pages() walks the filtered list in order, without totals (exports)', async () => {
      const id = await seedBot(storage);
      await Promise.all(Array.from({ length: 12 }, (_, i) => storage.journal.recordFill(id, 'sim', fill({ side: i % 3 === 0 ? 'sell' : 'buy', venueTime: 1_000 + i }), 'mm')));
      const sizes: number[] = [];
      const seen: number[] = [];
      for await (const items of storage.fills.pages({ botId: id, side: 'buy' }, 3)) {
        sizes.push(items.length);
        seen.push(...items.map((f) => f.venueTime));
      }
      const listed = (await storage.fills.list({ botId: id, side: 'buy', limit: 500 })).items.map((f) => f.venueTime);
      assert.deepEqual({ sizes, seen }, { sizes: [3, 3, 2], seen: listed });
      const none: unknown[] = [];
      for await (const items of storage.fills.pages({ botId: 'nope' })) none.push(items);
      assert.deepEqual(none, [[]], 'no match: one empty page');
    });

    test('events: level, kind, time and word search, newest first', async () => {
      const id = await seedBot(storage);
      const lines = [
        ['info', 'log', 'quoting started on BTCUSDT'],
        ['warn', 'log', 'order rejected: post-only would cross'],
        ['error', 'state', 'RUNNING → ERROR: venue unreachable'],
        ['info', 'risk', 'daily_loss cleared'],
        ['error', 'log', 'order journal unavailable, new orders held'],
      ] as const;
      lines.forEach(([level, kind, message], i) => storage.journal.recordEvent({ botId: id, level, kind, message, at: 10_000 + i }));
      await storage.events.add({ level: 'info', kind: 'server', message: 'server started', at: 20_000 });
      await storage.flush();
      assert.equal((await storage.events.list()).total, 6);
      assert.equal((await storage.events.list({ botId: id })).total, 5);
      assert.deepEqual((await storage.events.list({ minLevel: 'warn' })).items.map((e) => e.level), ['error', 'error', 'warn']);
      assert.equal((await storage.events.list({ level: ['info'] })).total, 3);
      assert.equal((await storage.events.list({ kind: 'state' })).items[0]?.message, 'RUNNING → ERROR: venue unreachable');
      assert.deepEqual((await storage.events.list({ text: 'rej' })).items.map((e) => e.at), [10_001], 'prefix match');
      assert.deepEqual((await storage.events.list({ text: 'order held' })).items.map((e) => e.at), [10_004], 'all words');
      assert.equal((await storage.events.list({ text: 'RISK' })).total, 1, 'kind is searched too, case-insensitively');
      assert.equal((await storage.events.list({ text: "'); drop table events; --" })).total, 0, 'punctuation is ignored');
      assert.equal((await storage.events.list({ from: 10_002, to: 10_004 })).total, 2);
      const first = await storage.events.list({ limit: 4 });
      const rest = await storage.events.list({ limit: 4, cursor: first.nextCursor! });
      assert.deepEqual([first.items.length, rest.items.length, rest.nextCursor], [4, 2, undefined]);
    });

    test('event details are stored without secrets', async () => {
      await storage.events.add({ level: 'warn', kind: 'api', message: 'login', details: { apiKey: 'AK-123', nested: { secret: 's', ok: 1 }, size: 10n }, at: 1 });
      const [e] = (await storage.events.list()).items;
      assert.deepEqual(e?.details, { apiKey: '[redacted]', nested: { secret: '[redacted]', ok: 1 }, size: '10' });
    });

    test('risk events and audit entries', async () => {
      const id = await seedBot(storage);
      await storage.riskEvents.add({ botId: id, type: 'trip', rule: 'drawdown', value: '6 %', limit: '5 %', action: 'halt', message: 'drawdown', at: 5 });
      storage.journal.recordRisk({ botId: id, type: 'denial', rule: 'max_order_notional', value: '120', limit: '100', action: 'deny', message: 'too big', at: 6 });
      await storage.flush();
      assert.equal((await storage.riskEvents.list({ botId: id, type: 'trip' })).items[0]?.value, '6 %');
      assert.equal((await storage.riskEvents.list({ rule: 'max_order_notional' })).total, 1);
      assert.equal(await storage.riskEvents.tripsSince(id, 0), 1);

      const user = await storage.users.create({ username: 'root', passwordHash: 'h' });
      await storage.audit.record({ userId: user.id, username: 'root', ip: '10.0.0.1', action: 'account.update', target: 'acc-1', details: { password: 'p', field: 'name' }, at: 100 });
      await storage.audit.record({ action: 'login.failed', ip: '10.0.0.2', details: { username: 'mallory' }, at: 200 });
      const trail = await storage.audit.list();
      assert.deepEqual(trail.items.map((a) => a.action), ['login.failed', 'account.update']);
      assert.deepEqual(trail.items[1]?.details, { password: '[redacted]', field: 'name' });
      assert.equal((await storage.audit.list({ userId: user.id })).total, 1);
      await storage.users.delete(user.id);
      assert.equal((await storage.audit.list({ action: 'account.update' })).items[0]?.username, 'root', 'the trail outlives the user');
    });

    test('stats: oldest first, limited to the newest points', async () => {
      const id = await seedBot(storage);
      const storageStats = storage.journal;
      for (let i = 0; i < 5; i++) storageStats.recordStats({ botId: id, at: i * 60_000, equity: `${100 + i}.25`, openOrders: i });
      await storage.flush();
      const points = await storage.stats.list({ botId: id, limit: 3 });
      assert.deepEqual(points.map((p) => p.equity), ['102.25', '103.25', '104.25']);
      assert.equal((await storage.stats.latest(id))?.openOrders, 4);
      assert.equal(await storage.stats.prune(120_000), 2);
    });

    test('settings and simulator state', async () => {
      assert.equal(await storage.settings.get('telegram'), undefined);
      await storage.settings.set('telegram', { chatId: 42, enabled: true });
      await storage.settings.set('telegram', { chatId: 43, enabled: false });
      assert.deepEqual(await storage.settings.get('telegram'), { chatId: 43, enabled: false });
      assert.deepEqual((await storage.settings.list()).map((s) => s.key), ['telegram']);
      assert.equal(await storage.settings.delete('telegram'), true);

      const state = { clock: 123, books: { BTCUSDT: { bids: [['50000.1', '0.5']] } }, balances: { USDT: '1000.000000000000000001' } };
      await storage.simState.save('default', state, 5);
      assert.deepEqual(await storage.simState.get('default'), { state, updatedAt: 5 });
      await assert.rejects(storage.simState.save('default', { big: 1n }), /export BigInts as strings/);
      assert.equal(await storage.simState.delete('default'), true);
    });
  });
}
