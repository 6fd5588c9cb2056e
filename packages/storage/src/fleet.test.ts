// The runner fleet's tables on both backends: runners and their liveness, leases (claim, renew,
// release, expiry) with epochs, commands for a bot's holder, live status fenced by epoch; and on
// PostgreSQL, two storages claiming at once never get the same bot.
import assert from 'node:assert/strict';
import { after, beforeEach, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { isEngineError } from '@mm/core';
import { BACKENDS, dropTestDatabases, postgresBackend, queryRows, seedBot, silentOptions, suiteStorage, TEST_KEY, truncateAll, waitFor } from '../test-support/fixtures.ts';
import { createTestDatabase } from '../test-support/postgres.ts';
import { CHANNEL_COMMAND, CHANNEL_COMMAND_DONE, CHANNEL_LEASE } from './repos/fleet.ts';
import { openStorage } from './storage.ts';
import type { Storage } from './storage.ts';

const TTL = 10_000;
const runner = (id: string) => ({ id, name: `runner ${id}`, host: 'host-a', pid: 4242, version: '1.2.3' });

/** Makes every lease (or one bot's) look expired, as if its TTL had passed. */
async function expire(storage: Storage, botId?: string): Promise<void> {
  await queryRows(storage, sql`update bot_leases set expires_at = now() - interval '1 second' where ${botId === undefined ? sql`true` : sql`bot_id = ${botId}`}`);
}

/** Collects notifications of one channel. */
async function collect(storage: Storage, channel: string): Promise<{ got: string[]; off: () => Promise<void> }> {
  const got: string[] = [];
  const off = await storage.listen(channel, (p) => got.push(p));
  return { got, off };
}

for (const backend of BACKENDS) {
  describe(`fleet on ${backend.name}`, { skip: backend.skip }, () => {
    let storage: Storage;
    suiteStorage(backend, (s) => (storage = s));
    beforeEach(() => truncateAll(storage));

    test('runners: register, heartbeat, stop; alive means a recent heartbeat and not stopped', async () => {
      await storage.fleet.registerRunner(runner('r1'));
      await storage.fleet.registerRunner(runner('r2'));
      await storage.fleet.heartbeat('r1', { botCount: 3, rssBytes: 123_456_789, heapBytes: 45_678_901, draining: true });
      let list = await storage.fleet.listRunners();
      const r1 = list.find((r) => r.id === 'r1')!;
      assert.deepEqual(
        [r1.name, r1.host, r1.pid, r1.version, r1.botCount, r1.rssBytes, r1.heapBytes, r1.draining, r1.alive, r1.stoppedAt],
        ['runner r1', 'host-a', 4242, '1.2.3', 3, 123_456_789, 45_678_901, true, true, undefined],
      );
      assert.ok(r1.heartbeatAgeMs >= 0 && r1.heartbeatAt >= r1.startedAt);

      await storage.fleet.markRunnerStopped('r2');
      // r3 crashed two hours ago without a word
      await storage.fleet.registerRunner(runner('r3'));
      await queryRows(storage, sql`update runners set heartbeat_at = now() - interval '2 hours' where id = 'r3'`);
      await queryRows(storage, sql`update runners set heartbeat_at = now() - interval '11 seconds' where id = 'r1'`);
      list = await storage.fleet.listRunners({ ttlMs: TTL });
      assert.deepEqual(
        list.map((r) => [r.id, r.alive]),
        [
          ['r2', false],
          ['r1', false],
          ['r3', false],
        ],
      );
      assert.ok(list.find((r) => r.id === 'r2')!.stoppedAt !== undefined);
      assert.ok(list.find((r) => r.id === 'r1')!.heartbeatAgeMs >= 11_000);
      assert.ok(list.find((r) => r.id === 'r1')!.heartbeatAgeMs < 3_600_000);
      assert.deepEqual((await storage.fleet.listRunners({ ttlMs: 60_000 })).filter((r) => r.alive).map((r) => r.id), ['r1'], 'a longer ttl');
      assert.deepEqual((await storage.fleet.listRunners({ includeStoppedWithinMs: 3_600_000 })).map((r) => r.id).sort(), ['r1', 'r2'], 'r3 is too old');

      // registering again revives a stopped runner
      await storage.fleet.registerRunner(runner('r2'));
      const r2 = (await storage.fleet.listRunners()).find((r) => r.id === 'r2')!;
      assert.deepEqual([r2.alive, r2.stoppedAt, r2.botCount], [true, undefined, 0]);
    });

    test('claims: oldest bot first, at most max, epochs +1 per claim, archived bots never', async () => {
      const bots = [await seedBot(storage, 'a', 'acct-a'), await seedBot(storage, 'b', 'acct-b'), await seedBot(storage, 'c', 'acct-c')];
      const archived = await seedBot(storage, 'gone', 'acct-gone');
      await storage.bots.archive(archived);
      assert.deepEqual(await storage.fleet.fleetCounts(TTL), { bots: 3, aliveRunners: 0, unclaimed: 3 }, 'no lease held: no next expiry');

      const first = await storage.fleet.claimBots('r1', 2, TTL);
      assert.deepEqual(first, [
        { botId: bots[0], epoch: 1 },
        { botId: bots[1], epoch: 1 },
      ]);
      assert.deepEqual(await storage.fleet.claimBots('r2', 5, TTL), [{ botId: bots[2], epoch: 1 }], 'only the free one');
      assert.deepEqual(await storage.fleet.claimBots('r3', 5, TTL), [], 'nothing left');
      await storage.fleet.registerRunner(runner('r1'));
      const { nextExpiryMs, ...counts } = await storage.fleet.fleetCounts(TTL);
      assert.deepEqual(counts, { bots: 3, aliveRunners: 1, unclaimed: 0 });
      assert.ok(nextExpiryMs !== undefined && nextExpiryMs > TTL - 5_000 && nextExpiryMs <= TTL, `the first lease runs out in ${nextExpiryMs} ms`);
      // one lease about to run out: the next expiry is that one's
      await queryRows(storage, sql`update bot_leases set expires_at = now() + interval '700 milliseconds' where bot_id = ${bots[1]}`);
      const soon = (await storage.fleet.fleetCounts(TTL)).nextExpiryMs;
      assert.ok(soon !== undefined && soon > 0 && soon <= 700, `the soonest runs out in ${soon} ms`);
      await queryRows(storage, sql`update bot_leases set expires_at = now() + ${TTL}::int * interval '1 millisecond' where bot_id = ${bots[1]}`);

      // expiry: the bot is claimable by anyone, with the next epoch
      await expire(storage, bots[0]);
      assert.equal((await storage.fleet.fleetCounts(TTL)).unclaimed, 1);
      assert.deepEqual(await storage.fleet.claimBots('r2', 5, TTL), [{ botId: bots[0], epoch: 2 }]);
      await expire(storage, bots[0]);
      assert.deepEqual(await storage.fleet.claimBots('r2', 5, TTL), [{ botId: bots[0], epoch: 3 }], 'even the same runner gets a new epoch');

      const leases = await storage.fleet.listLeases();
      assert.deepEqual(
        leases.filter((l) => l.botId === bots[0]).map((l) => [l.runnerId, l.epoch]),
        [['r2', 3]],
      );
      const lease = leases.find((l) => l.botId === bots[0])!;
      assert.ok(lease.expiresInMs > 0 && lease.expiresInMs <= TTL, `expires in ${lease.expiresInMs} ms`);
      assert.ok(lease.claimedAt !== undefined && lease.renewedAt !== undefined && lease.expiresAt > lease.claimedAt);
      assert.equal(leases.some((l) => l.botId === archived), false, 'no lease row for an archived bot');
      assert.deepEqual(await storage.fleet.claimBots('r1', 0, TTL), []);
      await assert.rejects(storage.fleet.claimBots('r1', 1, 0), (e: unknown) => isEngineError(e, 'INVALID_ARGUMENT'));
    });

    test('bots sharing an account and symbol have one holder: its siblings are claimed whatever the limit, never by another runner', async () => {
      const [x1, x2, x3] = [await seedBot(storage, 'x1', 'acct-x'), await seedBot(storage, 'x2', 'acct-x'), await seedBot(storage, 'x3', 'acct-x')];
      const y = await seedBot(storage, 'y', 'acct-y');
      // a limit of 2 cuts the group; the rest is r1's alone
      assert.deepEqual((await storage.fleet.claimBots('r1', 2, TTL)).map((g) => g.botId), [x1, x2]);
      assert.deepEqual((await storage.fleet.claimBots('r2', 5, TTL)).map((g) => g.botId), [y], 'r2 may not take x3 beside r1');
      assert.deepEqual((await storage.fleet.claimBots('r1', 0, TTL)).map((g) => g.botId), [x3], 'a sibling of its own, past its limit');
      // the whole group free (r1 gone): whoever claims one of it has the rest
      await expire(storage);
      assert.deepEqual((await storage.fleet.claimBots('r2', 1, TTL)).map((g) => g.botId), [x1]);
      assert.deepEqual((await storage.fleet.claimBots('r3', 5, TTL)).map((g) => g.botId), [y], 'x2 and x3 go with x1');
      assert.deepEqual((await storage.fleet.claimBots('r2', 0, TTL)).map((g) => g.botId), [x2, x3]);
      const holders = new Set((await storage.fleet.listLeases()).filter((l) => [x1, x2, x3].includes(l.botId)).map((l) => l.runnerId));
      assert.deepEqual([...holders], ['r2']);
    });

    test('renew: only the holder at its epoch, and never after expiry; release frees the bot at once', async () => {
      const [a, b] = [await seedBot(storage, 'a', 'acct-a'), await seedBot(storage, 'b', 'acct-b')];
      const grants = await storage.fleet.claimBots('r1', 2, TTL);
      const [ga, gb] = [grants.find((g) => g.botId === a)!, grants.find((g) => g.botId === b)!];
      assert.deepEqual([...(await storage.fleet.renewLeases('r1', grants, TTL))].sort(), [a, b].sort());
      assert.deepEqual([...(await storage.fleet.renewLeases('r2', grants, TTL))], [], 'not the holder');
      assert.deepEqual([...(await storage.fleet.renewLeases('r1', [{ botId: a, epoch: ga.epoch + 1 }], TTL))], [], 'wrong epoch');

      await expire(storage, a);
      assert.deepEqual([...(await storage.fleet.renewLeases('r1', grants, TTL))], [b], 'an expired lease is lost, not revived');
      assert.deepEqual(await storage.fleet.claimBots('r2', 5, TTL), [{ botId: a, epoch: ga.epoch + 1 }], 'and claimable');

      const leaseNews = await collect(storage, CHANNEL_LEASE);
      assert.equal(await storage.fleet.releaseLease('r2', gb), false, 'r2 does not hold b');
      assert.equal(await storage.fleet.releaseLease('r1', { botId: b, epoch: gb.epoch + 1 }), false, 'not that epoch');
      assert.equal(await storage.fleet.releaseLease('r1', gb), true);
      await waitFor(() => leaseNews.got.length > 0, 10_000, 'mm_lease notification');
      assert.deepEqual(leaseNews.got, [b]);
      await leaseNews.off();
      assert.deepEqual([...(await storage.fleet.renewLeases('r1', [gb], TTL))], [], 'released: no longer renewable');
      assert.deepEqual(await storage.fleet.claimBots('r3', 5, TTL), [{ botId: b, epoch: gb.epoch + 1 }], 'claimable at once, no TTL wait');
    });

    test('commands: enqueue, taken only by the holder, completed, awaited', async () => {
      const [a, b] = [await seedBot(storage, 'a', 'acct-a'), await seedBot(storage, 'b', 'acct-b')];
      const [ga] = await storage.fleet.claimBots('r1', 1, TTL);
      assert.equal(ga!.botId, a);
      const [gb] = await storage.fleet.claimBots('r2', 1, TTL);
      const wake = await collect(storage, CHANNEL_COMMAND);
      const done = await collect(storage, CHANNEL_COMMAND_DONE);

      const id = await storage.fleet.enqueueCommand({ botId: a, action: 'pause', options: { reason: 'test' }, requestedBy: 'alice' });
      const other = await storage.fleet.enqueueCommand({ botId: b, action: 'stop', requestedBy: 'alice' });
      await waitFor(() => wake.got.length === 2, 10_000, 'mm_command notifications');
      assert.deepEqual(wake.got, [a, b]);

      assert.deepEqual(await storage.fleet.takeCommands('r2', [ga!]), [], 'r2 does not hold a');
      assert.deepEqual(await storage.fleet.takeCommands('r1', [{ botId: a, epoch: ga!.epoch + 1 }]), [], 'not that epoch');
      const taken = await storage.fleet.takeCommands('r1', [ga!]);
      assert.deepEqual(
        taken.map((c) => [c.id, c.botId, c.action, c.options, c.requestedBy, c.status, c.runnerId, c.epoch]),
        [[id, a, 'pause', { reason: 'test' }, 'alice', 'running', 'r1', ga!.epoch]],
      );
      assert.deepEqual(await storage.fleet.takeCommands('r1', [ga!]), [], 'taken once');

      const waiting = storage.fleet.awaitCommand(id, 30_000);
      await storage.fleet.completeCommand(id, { ok: true, result: { paused: true } });
      const finished = await waiting;
      assert.deepEqual([finished.status, finished.result, finished.error], ['done', { paused: true }, undefined]);
      assert.ok(finished.doneAt !== undefined && finished.doneAt >= finished.createdAt);
      await waitFor(() => done.got.includes(String(id)), 10_000, 'mm_command_done notification');

      // b: a failure, with its error, through the same path
      const [cb] = await storage.fleet.takeCommands('r2', [gb!]);
      assert.equal(cb!.id, other);
      await storage.fleet.completeCommand(other, { ok: false, error: { code: 'ILLEGAL_STATE', message: 'already stopped', details: { state: 'STOPPED' } } });
      const failed = await storage.fleet.awaitCommand(other, 30_000);
      assert.deepEqual([failed.status, failed.error], ['failed', { code: 'ILLEGAL_STATE', message: 'already stopped', details: { state: 'STOPPED' } }]);
      await storage.fleet.completeCommand(other, { ok: true });
      assert.equal((await storage.fleet.getCommand(other))!.status, 'failed', 'the first outcome stays');

      await Promise.all([wake.off(), done.off()]);
      assert.equal(await storage.fleet.getCommand(999_999), undefined);
      await assert.rejects(storage.fleet.awaitCommand(999_999, 1_000), (e: unknown) => isEngineError(e, 'NOT_FOUND'));
    });

    test('awaitCommand: the poll finds an outcome no notification announced; a timeout returns the record as it is', async () => {
      const a = await seedBot(storage, 'a', 'acct-a');
      const id = await storage.fleet.enqueueCommand({ botId: a, action: 'start', requestedBy: 'alice' });
      assert.equal((await storage.fleet.awaitCommand(id, 50)).status, 'pending', 'nobody took it');
      const waiting = storage.fleet.awaitCommand(id, 60_000);
      // written behind the repository's back: no NOTIFY
      await queryRows(storage, sql`update bot_commands set status = 'done', result = '{"via":"poll"}', done_at = now() where id = ${id}`);
      const record = await waiting;
      assert.deepEqual([record.status, record.result], ['done', { via: 'poll' }]);
    });

    test('live status: written by the holder at its epoch only', async () => {
      const [a, b] = [await seedBot(storage, 'a', 'acct-a'), await seedBot(storage, 'b', 'acct-b')];
      const [ga] = await storage.fleet.claimBots('r1', 1, TTL);
      assert.equal(ga!.botId, a);
      assert.equal(await storage.fleet.writeLive('r1', ga!, { state: 'RUNNING', equity: '1000.5', n: 1n }), true);
      assert.equal(await storage.fleet.writeLive('r2', ga!, { state: 'HIJACK' }), false, 'not the holder');
      assert.equal(await storage.fleet.writeLive('r1', { botId: b, epoch: 0 }, { state: 'X' }), false, 'b has no holder');

      await expire(storage, a);
      const [next] = await storage.fleet.claimBots('r2', 1, TTL);
      assert.deepEqual(next, { botId: a, epoch: ga!.epoch + 1 });
      assert.equal(await storage.fleet.writeLive('r1', ga!, { state: 'STALE' }), false, 'the old epoch is fenced');
      let live = await storage.fleet.readLive();
      assert.deepEqual([...live.keys()], [a]);
      assert.deepEqual(live.get(a)!.status, { state: 'RUNNING', equity: '1000.5', n: '1' }, 'bigints as strings');
      assert.equal(await storage.fleet.writeLive('r2', next!, { state: 'RUNNING', by: 'r2' }), true);
      live = await storage.fleet.readLive([a, b]);
      assert.deepEqual([live.get(a)!.runnerId, live.get(a)!.epoch, live.get(a)!.status], ['r2', next!.epoch, { state: 'RUNNING', by: 'r2' }]);
      assert.ok(live.get(a)!.updatedAt > 0);
      assert.equal((await storage.fleet.readLive([b])).size, 0);
      assert.equal((await storage.fleet.readLive([])).size, 0);
      await storage.fleet.dropLive(a);
      assert.equal((await storage.fleet.readLive()).size, 0);
    });
  });
}

describe('two runners claiming at once (postgres)', { skip: postgresBackend.skip }, () => {
  after(dropTestDatabases);

  test('never get the same bot, and every claim adds one to the epoch', async () => {
    const db = await createTestDatabase();
    const open = () => openStorage({ ...silentOptions, databaseUrl: db.url, env: {}, masterKey: TEST_KEY });
    const one = await open();
    const two = await open();
    try {
      const bots: string[] = [];
      for (let i = 0; i < 12; i++) bots.push(await seedBot(one, `bot ${i}`, `acct-${i}`));
      const claims = new Map(bots.map((id) => [id, 0]));
      for (let round = 0; round < 25; round++) {
        // both ask for more than there is, at the same moment
        const [a, b] = await Promise.all([one.fleet.claimBots('r1', 8, TTL), two.fleet.claimBots('r2', 8, TTL)]);
        const ids = [...a, ...b].map((g) => g.botId);
        if (round % 3 === 1) assert.ok(a.length > 0 && b.length > 0 && ids.length === bots.length, `round ${round}: all free, both get some`);
        assert.equal(new Set(ids).size, ids.length, `round ${round}: a bot granted twice`);
        for (const g of [...a, ...b]) {
          claims.set(g.botId, claims.get(g.botId)! + 1);
          assert.equal(g.epoch, claims.get(g.botId), `round ${round}: epoch of ${g.botId}`);
        }
        const leases = await one.fleet.listLeases();
        for (const g of a) assert.equal(leases.find((l) => l.botId === g.botId)?.runnerId, 'r1');
        for (const g of b) assert.equal(leases.find((l) => l.botId === g.botId)?.runnerId, 'r2');
        // free them again: all at once, or one by expiry and one by release
        if (round % 3 === 0) await expire(one);
        else {
          await expire(one, bots[round % bots.length]);
          const held = leases.find((l) => l.botId === bots[(round + 1) % bots.length])!;
          assert.equal(await one.fleet.releaseLease(held.runnerId!, { botId: held.botId, epoch: held.epoch }), true);
        }
      }
      const leases = await one.fleet.listLeases();
      for (const l of leases) assert.equal(l.epoch, claims.get(l.botId), `final epoch of ${l.botId}`);
    } finally {
      await Promise.all([one.close(), two.close()]);
      await db.drop();
    }
  });
});
