// Bot events travel from a runner to the control plane's FleetClient over NOTIFY: on PGlite with
// one Storage shared by both (the embedded mode of `npm start`), and on PostgreSQL with a
// Storage each (separate processes).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { fx } from '@mm/core';
import type { BotEvents } from '@mm/engine';
import type { Storage } from '@mm/storage';
import { pgliteBackend, postgresBackend } from '@mm/storage/test-support/fixtures';
import { FleetClient } from './client.ts';
import { PaperFleet, TTL_MS, createBots, sharedDatabase, testRunner, waitFor } from '../test-support/fleet.ts';

type Topic = 'state' | 'order' | 'stats';

/** What a value is once through JSON (undefined members gone), bigints kept: what the wire should deliver. */
function asJson(value: unknown): unknown {
  const kept = new Map<string, bigint>();
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v !== 'bigint') return v;
    const key = `\u0000big${kept.size}`;
    kept.set(key, v);
    return key;
  });
  return JSON.parse(text, (_k, v: unknown) => (typeof v === 'string' && kept.has(v) ? kept.get(v) : v));
}
const TOPICS: readonly Topic[] = ['state', 'order', 'stats'];

interface Setup {
  runnerStorage: Storage;
  clientStorage: Storage;
  close(): Promise<void>;
}

const modes: { name: string; skip: string | undefined; open(): Promise<Setup> }[] = [
  {
    name: 'PGlite, one Storage for runner and client',
    skip: pgliteBackend.skip,
    async open() {
      const storage = await pgliteBackend.open();
      return { runnerStorage: storage, clientStorage: storage, close: () => storage.close() };
    },
  },
  {
    name: 'PostgreSQL, a Storage each',
    skip: postgresBackend.skip,
    async open() {
      const shared = await sharedDatabase();
      const runnerStorage = await shared.open();
      const clientStorage = await shared.open();
      return {
        runnerStorage,
        clientStorage,
        close: async () => {
          await Promise.allSettled([runnerStorage.close(), clientStorage.close()]);
          await shared.db.drop();
        },
      };
    },
  },
];

for (const mode of modes) {
  describe(`FleetClient events on ${mode.name}`, { skip: mode.skip }, () => {
    const cleanups: (() => Promise<unknown>)[] = [];
    after(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    });

    test('state, order and stats events of a runner\u2019s bot reach FleetClient.events as the runner emitted them; on a fill the view already counts it', async () => {
      const setup = await mode.open();
      cleanups.push(() => setup.close());
      const fleet = new PaperFleet();
      cleanups.push(() => fleet.close());
      const [botId] = await createBots(setup.runnerStorage, ['events-bot']);

      const client = new FleetClient(setup.clientStorage, { ttlMs: TTL_MS, refreshMs: 200 });
      cleanups.push(() => client.close());
      const received: { [T in Topic]: BotEvents[T][] } = { state: [], order: [], stats: [] };
      let viewWhenRunning: string | undefined;
      client.events.on('state', (e) => {
        received.state.push(e);
        // the client reads the status the runner wrote before it sent the event
        if (e.botId === botId && e.state === 'RUNNING') viewWhenRunning = client.has(botId!) ? client.get(botId!).state : 'no view';
      });
      // at each fill, what the client's view says the bot has traded, against the fills so far
      const fillsSeen: { notional: string; viewTotal: string }[] = [];
      client.events.on('fill', (e) => {
        if (e.botId === botId) fillsSeen.push({ notional: e.notional, viewTotal: client.get(botId!).stats().volume.total });
      });
      client.events.on('order', (e) => void received.order.push(e));
      client.events.on('stats', (e) => void received.stats.push(e));
      await client.start();

      const runner = testRunner(setup.runnerStorage, fleet, 'R');
      const sent: { [T in Topic]: BotEvents[T][] } = { state: [], order: [], stats: [] };
      for (const topic of TOPICS) runner.manager.events.on(topic, ((e: unknown) => void (sent[topic] as unknown[]).push(e)) as never);
      cleanups.push(() => runner.stop());
      await runner.start();

      await waitFor(
        () => received.state.some((e) => e.botId === botId && e.state === 'RUNNING') && received.order.some((e) => e.botId === botId) && received.stats.some((e) => e.botId === botId),
        20_000,
        'a RUNNING state, an order and a stats event at the client',
      );
      assert.equal(viewWhenRunning, 'RUNNING', 'on the RUNNING event the client already shows the bot RUNNING');
      await waitFor(() => fillsSeen.length >= 2, 30_000, 'two fills of the bot at the client');
      let traded = 0n;
      for (const [i, seen] of fillsSeen.entries()) {
        traded += fx.parse(seen.notional);
        // the view may already hold a later fill (its status is read when written), never miss this one
        assert.ok(fx.parse(seen.viewTotal) >= fx.roundToDecimals(traded, 2, 'half-up') - fx.parse('0.01'), `on fill ${i + 1} the view shows ${seen.viewTotal} traded, the fills add up to ${fx.format(traded)}`);
      }

      for (const topic of TOPICS) {
        for (const event of received[topic]) {
          assert.equal(event.botId, botId);
          // the same payload, types and all (bigints, nested records), as the runner's bus had it
          assert.ok(
            (sent[topic] as unknown[]).some((s) => {
              try {
                assert.deepStrictEqual(event, asJson(s));
                return true;
              } catch {
                return false;
              }
            }),
            `the client's ${topic} event equals one the runner sent: ${JSON.stringify(event, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`,
          );
        }
      }
      const firstOrder = received.order.find((e) => e.botId === botId)!;
      assert.equal(typeof firstOrder.order.priceTicks, 'number');
      assert.equal(firstOrder.order.symbol, 'DEMOUSDT');
    });
  });
}
