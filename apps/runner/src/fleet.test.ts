// The runner fleet end to end, as real processes on a private PostgreSQL cluster: the API server
// (RUNNERS=external), three runner processes, and the simulated exchange served as a venue
// process that all runners reach over the network. Twelve paper bots, each on its own paper
// account, trade through it. Then, in turn: kill -9 of a runner, a runner frozen (SIGSTOP) past
// its lease and thawed, and PostgreSQL restarted under load. After each, the bots trade again;
// at the end the venue's order log shows no instant where two runners had live orders for one
// bot, no order is left open, and every venue fill is stored exactly once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import type { BotSummaryDto, RunnerDto } from '@mm/core';
import type { OpenOrderEntry, OrderLogEntry, TradeEntry } from '@mm/exchange-sim';
import { Api, clusterSkipReason, freePort, getJson, sleep, spawnProc, startCluster, startSimVenue, waitFor } from '../test-support/fleet-harness.ts';
import type { Cluster, Proc } from '../test-support/fleet-harness.ts';

const TOKEN = 'fleet-test-token-0123456789';
const PASSWORD = 'fleet-admin-password';
const BOTS = 12;
const TTL_MS = 10_000;

const skip = clusterSkipReason();
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

function botConfig(accountId: string, i: number) {
  return {
    name: `fleet ${String(i).padStart(2, '0')}`,
    accountId,
    symbol: 'DEMOUSDT',
    mode: 'paper',
    marketMaking: {
      bidLevels: 2,
      askLevels: 2,
      bidSpread: { minPct: 0.1, maxPct: 0.6 },
      askSpread: { minPct: 0.1, maxPct: 0.6 },
      bidBudgetQuote: '400',
      askBudgetBase: '800',
      distribution: 'LINEAR',
      refresh: { intervalMs: 2_000, tolerancePct: 0.1 },
    },
    volume: { enabled: true, dailyTargetQuote: '200000', minTradeQuote: '10', maxTradeQuote: '20', mode: 'MIXED', makerTimeoutMs: 5_000 },
  };
}

/** Every instant (log entry) at which two runners (venue clients) both had a live order on one bot's account. */
function overlaps(log: readonly OrderLogEntry[], accounts: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const byAccount = new Map<string, OrderLogEntry[]>();
  for (const e of log) if (accounts.has(e.accountId)) byAccount.set(e.accountId, [...(byAccount.get(e.accountId) ?? []), e]);
  for (const [account, entries] of byAccount) {
    const live = new Map<string, Set<string>>(); // client → live order ids
    // the log is in the order the exchange saw things (an IOC's open and close share a millisecond)
    for (const e of entries) {
      const set = live.get(e.client) ?? new Set<string>();
      live.set(e.client, set);
      if (e.event === 'open') set.add(e.clientOrderId);
      else set.delete(e.clientOrderId);
      const holders = [...live].filter(([, ids]) => ids.size > 0).map(([client]) => client);
      if (holders.length > 1) problems.push(`${account} at ${e.at}: live orders of ${holders.join(' and ')}`);
    }
  }
  return problems;
}

test('runner fleet: 3 runner processes, 12 paper bots; kill -9, SIGSTOP past the lease, PostgreSQL restart', { skip, timeout: 480_000 }, async (t) => {
  const cluster: Cluster = await startCluster();
  cleanups.push(() => cluster.destroy());
  const venue = await startSimVenue(TOKEN);
  cleanups.push(() => venue.proc.kill('SIGKILL'));
  const dataDir = mkdtempSync(join(tmpdir(), 'mm-fleet-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const common = { DATABASE_URL: cluster.url, APP_SECRET: 'fleet-test-app-secret-0123456789', RUNNER_TOKEN: TOKEN, LEASE_TTL_MS: String(TTL_MS), LOG_LEVEL: 'info' };
  const port = await freePort();
  const server = spawnProc('server', ['--import', 'tsx', 'apps/server/src/main.ts'], { ...common, DATA_DIR: dataDir, PORT: String(port), RUNNERS: 'external', ADMIN_PASSWORD: PASSWORD, DEMO_BOT: 'false' });
  cleanups.push(() => server.kill('SIGKILL'));
  const api = new Api(`http://127.0.0.1:${port}`);
  await waitFor('the server to be healthy', 90_000, async () => (await fetch(`${api.base}/api/health`)).ok);
  await api.login(PASSWORD);
  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  };

  // twelve bots, one per paper account, started before any runner exists: the intent is recorded
  const accounts = new Map<string, string>(); // bot id → account id
  for (let i = 1; i <= BOTS; i++) {
    const account = await api.ok<{ id: string }>('POST', '/api/accounts', { name: `fleet paper ${i}`, venue: 'sim', market: 'spot', live: false, credentials: {} });
    const bot = await api.ok<{ id: string }>('POST', '/api/bots', botConfig(account.id, i));
    const started = await api.call<BotSummaryDto>('POST', `/api/bots/${bot.id}/actions/start`);
    assert.equal(started.status, 200, `start without runners: ${JSON.stringify(started.body)}`);
    assert.equal(started.body.desiredState, 'running');
    accounts.set(bot.id, account.id);
  }
  const ourAccounts = new Set(accounts.values());

  const runners = new Map<string, Proc>();
  /** When each disruption happened, for the messages of what fails after it. */
  const phases: string[] = [];
  const startRunner = (name: string) => {
    const proc = spawnProc(name, ['--import', 'tsx', 'apps/runner/src/main.ts'], { ...common, RUNNER_NAME: name, PAPER_VENUE_URL: venue.url });
    cleanups.push(() => proc.kill('SIGKILL'));
    runners.set(name, proc);
  };
  for (const name of ['r1', 'r2', 'r3']) startRunner(name);

  const bots = () => api.ok<BotSummaryDto[]>('GET', '/api/bots');
  const runnerList = () => api.ok<RunnerDto[]>('GET', '/api/runners');
  const venueLog = () => getJson<OrderLogEntry[]>(`${venue.http}/orders-log`);
  const venueOpen = async () => (await getJson<OpenOrderEntry[]>(`${venue.http}/open-orders`)).filter((o) => ourAccounts.has(o.accountId));
  const idOf = async (name: string) => (await runnerList()).find((r) => r.name === name && r.alive)?.id;
  const allRunning = async (holders?: readonly string[]) => {
    const list = await bots();
    return list.length === BOTS && list.every((b) => b.state === 'RUNNING' && b.lease !== undefined && b.lease.expiresInMs > 0 && (holders === undefined || holders.includes(b.lease.runnerName))) ? list : undefined;
  };
  const failWith = (what: string) => async (error: unknown) => {
    // what the bots were doing comes first: a CI log often keeps only an error's first lines
    const now = await bots()
      .then((list) => list.map((b) => `${b.name.replace('fleet ', '#')} ${b.state} ${b.lease === undefined ? 'unheld' : `${b.lease.runnerName}/e${b.lease.epoch}/${Math.round(b.lease.expiresInMs / 1000)}s`}`).join(', '))
      .catch((e: Error) => `bots unreadable: ${e.message}`);
    const moves = [...runners.values()].map((p) => `--- ${p.name} (leases and hand-overs)\n${p.output.join('').split('\n').filter((l) => /claimed bot|handing the bot|lost the lease|database is back/.test(l)).slice(-20).join('\n')}`);
    const tail = [server, ...runners.values()].map((p) => `--- ${p.name}\n${p.output.join('').slice(-2500)}`);
    throw new Error([`${what}: ${(error as Error).message}`, `bots: ${now}`, `phases: ${phases.join(', ')}`, ...moves, ...tail].join('\n'));
  };

  // ---- the fleet settles: every bot running, the three runners sharing them 4 / 4 / 4
  await waitFor('12 bots running, 4 per runner', 120_000, async () => {
    const list = await allRunning();
    if (list === undefined) return undefined;
    const counts = new Map<string, number>();
    for (const b of list) counts.set(b.lease!.runnerName, (counts.get(b.lease!.runnerName) ?? 0) + 1);
    return [...counts.values()].sort().join(',') === '4,4,4';
  }, 500).catch(failWith('settling'));
  await waitFor('every bot quoting on the venue', 30_000, async () => {
    const open = await venueOpen();
    return [...ourAccounts].every((a) => open.some((o) => o.accountId === a));
  });

  // ---- kill -9: the victim's bots trade again on the others within 15 s
  {
    const victimId = (await idOf('r1'))!;
    const victims = (await bots()).filter((b) => b.lease!.runnerName === 'r1').map((b) => b.id);
    assert.equal(victims.length, 4);
    const killedAt = Date.now();
    phases.push(`kill -9 at ${killedAt}`);
    runners.get('r1')!.kill('SIGKILL');
    await waitFor("the killed runner's bots quoting again from the others", 15_000, async () => {
      const list = await bots();
      const log = await venueLog();
      return victims.every((id) => {
        const b = list.find((x) => x.id === id);
        const account = accounts.get(id)!;
        return b?.state === 'RUNNING' && b.lease !== undefined && b.lease.runnerName !== 'r1' && log.some((e) => e.accountId === account && e.event === 'open' && e.at > killedAt && e.client !== victimId);
      });
    }, 250).catch(failWith('after kill -9'));
    const took = Date.now() - killedAt;
    assert.ok(took <= 15_000, `the bots traded again after ${took} ms`);
    t.diagnostic(`after kill -9 the bots traded again within ${took} ms`);
    const list = await bots();
    for (const id of victims) assert.ok(list.find((b) => b.id === id)!.lease!.epoch >= 2, 'a takeover is a new epoch');
  }

  // ---- SIGSTOP past the TTL, then SIGCONT: its leases are gone, it places nothing, its writes are refused
  {
    const frozen = runners.get('r2')!;
    const frozenId = (await idOf('r2'))!;
    const victims = (await bots()).filter((b) => b.lease!.runnerName === 'r2').map((b) => b.id);
    assert.ok(victims.length > 0);
    frozen.kill('SIGSTOP');
    await waitFor("the frozen runner's bots running on r3", 40_000, () => allRunning(['r3'])).catch(failWith('after SIGSTOP'));
    await sleep(2_000);
    const mark = frozen.mark();
    const thawedAt = Date.now();
    phases.push(`SIGCONT at ${thawedAt}`);
    frozen.kill('SIGCONT');
    await waitFor('the thawed runner to notice it lost its leases', 20_000, async () => /lost the lease/.test(frozen.since(mark)) && true).catch(failWith('after SIGCONT'));
    await sleep(3_000);
    const log = await venueLog();
    // awake, it is a runner like the others and may be handed bots again (rebalancing); what it
    // places must be for a bot it claimed after it woke, never for one it held before
    const leases = await query<{ bot_id: string; runner_id: string | null; claimed: string }>('select bot_id, runner_id, extract(epoch from claimed_at) * 1000 as claimed from bot_leases');
    const botOfAccount = new Map([...accounts].map(([bot, account]) => [account, bot]));
    const stale = log.filter((e) => {
      if (e.client !== frozenId || e.event !== 'open' || e.at < thawedAt) return false;
      const lease = leases.find((l) => l.bot_id === botOfAccount.get(e.accountId));
      return !(lease?.runner_id === frozenId && Number(lease.claimed) >= thawedAt - 1_000 && Number(lease.claimed) <= e.at + 1_000);
    });
    assert.deepEqual(stale, [], 'the thawed runner placed orders for a bot it had lost');
    // no status of the thawed runner under an epoch it lost (one it was given again is fine)
    const live = await query<{ bot_id: string; runner_id: string; epoch: string; lease_runner: string | null; lease_epoch: string }>(
      'select v.bot_id, v.runner_id, v.epoch, l.runner_id as lease_runner, l.epoch as lease_epoch from bot_live v join bot_leases l using (bot_id)',
    );
    for (const id of victims) {
      const row = live.find((r) => r.bot_id === id);
      assert.ok(row !== undefined && !(row.runner_id === frozenId && (row.lease_runner !== frozenId || row.epoch !== row.lease_epoch)), `bot ${id}: status ${JSON.stringify(row)}`);
    }
    // its journal writes for the bots it lost were refused by the fence, or never made
    const refusedOrHeld = /write for a bot whose lease this runner lost was refused|lost the lease/.test(frozen.since(mark));
    assert.ok(refusedOrHeld);
    assert.deepEqual(overlaps(log, ourAccounts), [], 'two runners had live orders for one bot');
  }

  // ---- PostgreSQL restarted under load: self-fence, come back, reconcile
  {
    await waitFor('a settled fleet before the restart', 60_000, () => allRunning()).catch(failWith('before the restart'));
    const epochs = new Map((await bots()).map((b) => [b.id, b.lease!.epoch]));
    await cluster.stop();
    const downAt = Date.now();
    phases.push(`database down at ${downAt}`);
    // every runner fences itself: the venue is left without our orders
    await waitFor('no orders of ours on the venue while the database is down', TTL_MS, async () => (await venueOpen()).length === 0).catch(failWith('during the outage'));
    // down past the TTL, so that every lease has run out when it is back
    await sleep(Math.max(0, downAt + TTL_MS + 2_000 - Date.now()));
    await cluster.start();
    phases.push(`database up at ${Date.now()}`);
    await waitFor('every bot running again after the restart', 90_000, () => allRunning()).catch(failWith('after the restart'));
    for (const b of await bots()) assert.ok(b.lease!.epoch > epochs.get(b.id)!, `bot ${b.name} was claimed again (new epoch)`);
    await waitFor('every bot quoting again', 30_000, async () => {
      const open = await venueOpen();
      return [...ourAccounts].every((a) => open.some((o) => o.accountId === a));
    });
  }

  // ---- settle: stop everything; nothing left open, every fill stored once, never two holders at once
  await sleep(3_000);
  const stopped = await api.ok<{ id: string; ok: boolean; message?: string }[]>('POST', '/api/bots/actions/stop');
  assert.ok(stopped.every((s) => s.ok), JSON.stringify(stopped));
  await waitFor('no open orders of ours on the venue', 30_000, async () => (await venueOpen()).length === 0);
  await sleep(2_000);
  const log = await venueLog();
  assert.deepEqual(overlaps(log, ourAccounts), [], 'two runners had live orders for one bot');
  const trades = await getJson<TradeEntry[]>(`${venue.http}/fills`);
  const venueFills: string[] = [];
  for (const t of trades) for (const side of [t.maker, t.taker]) if (side.accountId !== null && ourAccounts.has(side.accountId)) venueFills.push(`${t.symbol}|${t.tradeId}|${side.clientOrderId}`);
  assert.ok(venueFills.length > 0, 'the bots traded');
  const stored = await query<{ symbol: string; trade_id: string; client_order_id: string; n: string }>(
    'select symbol, trade_id, client_order_id, count(*) as n from fills group by symbol, trade_id, client_order_id',
  );
  assert.deepEqual(stored.filter((r) => Number(r.n) !== 1), [], 'a fill stored twice');
  const storedKeys = new Set(stored.map((r) => `${r.symbol}|${r.trade_id}|${r.client_order_id}`));
  const missing = venueFills.filter((k) => !storedKeys.has(k));
  const when = missing.map((k) => `${k} at ${trades.find((t) => `${t.symbol}|${t.tradeId}` === k.split('|').slice(0, 2).join('|'))?.at}`);
  if (missing.length > 0) {
    const ids = missing.map((k) => k.split('|')[2]);
    const orders = await query('select bot_id, client_order_id, status, created_at, updated_at from orders where client_order_id = any($1)', [ids]);
    const unattributed = await query('select account_id, trade_id, client_order_id from account_fills where client_order_id = any($1)', [ids]);
    when.push(`orders ${JSON.stringify(orders)}; account fills ${JSON.stringify(unattributed)}`);
    for (const p of runners.values()) when.push(`--- ${p.name}: ${p.output.join('').split('\n').filter((l) => ids.some((id) => l.includes(id!.slice(0, 10))) || /refused|lost the lease|claimed bot/.test(l)).slice(-30).join('\n')}`);
  }
  assert.deepEqual(missing, [], `${missing.length} of ${venueFills.length} venue fills not stored: ${when.join(', ')}; ${phases.join(', ')}`);
  assert.equal(storedKeys.size, venueFills.length, 'every stored fill is a venue fill');
});
