// GET /api/bots/:id/book answers for every stored bot: the live book while it runs, an empty one
// marked live: false while it is stopped (a normal state, not an error the dashboard would log),
// and 404 only for a bot that does not exist.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ApiErrorDto, BookDto, BotDetailDto } from '@mm/core';
import { startTestServer } from '../test-support/app.ts';
import type { TestServer } from '../test-support/app.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer({ DEMO_BOT: 'false' });
});
after(async () => {
  await s.close();
});

const authed = (method: string, path: string, body?: unknown) => s.request(method, path, body, { cookie: s.cookie });

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, tries = 100): Promise<T> {
  let value = await read();
  for (let i = 0; i < tries && !ok(value); i++) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  assert.ok(ok(value), `${what}: ${JSON.stringify(value)}`);
  return value;
}

test('a stopped bot: 200, no levels, live: false; running: the live book; stopped again: empty', async () => {
  const created = await authed('POST', '/api/bots', { name: 'book bot', accountId: 'paper', symbol: 'DEMOUSDT', marketMaking: { bidLevels: 2, askLevels: 2 } });
  assert.equal(created.status, 201, created.text);
  const id = (created.body as BotDetailDto).id;

  const stopped = await authed('GET', `/api/bots/${id}/book`);
  assert.equal(stopped.status, 200, stopped.text);
  const empty = stopped.body as BookDto;
  assert.equal(empty.live, false);
  assert.equal(empty.symbol, 'DEMOUSDT');
  assert.deepEqual([empty.bids, empty.asks], [[], []]);
  assert.equal(typeof empty.at, 'number', 'the BookDto shape is kept');

  assert.equal((await authed('POST', `/api/bots/${id}/actions/start`)).status, 200);
  const live = await until(
    'the running bot shows the book',
    async () => (await authed('GET', `/api/bots/${id}/book`)).body as BookDto,
    (b) => b.live === true && b.bids.length > 0 && b.asks.length > 0,
  );
  assert.equal(live.symbol, 'DEMOUSDT');

  assert.equal((await authed('POST', `/api/bots/${id}/actions/stop`)).status, 200);
  const after = await authed('GET', `/api/bots/${id}/book`);
  assert.equal(after.status, 200);
  assert.equal((after.body as BookDto).live, false, 'the last book of a stopped bot is not shown as current');
  assert.deepEqual([(after.body as BookDto).bids, (after.body as BookDto).asks], [[], []]);
});

test('an unknown bot id: 404', async () => {
  for (const id of ['00000000-0000-4000-8000-000000000000', 'no-such-bot']) {
    const res = await authed('GET', `/api/bots/${id}/book`);
    assert.equal(res.status, 404, id);
    assert.equal((res.body as ApiErrorDto).error.code, 'NOT_FOUND');
  }
});
