// 10,000+ random and malformed requests and configs: the server never crashes, never answers
// 5xx, and every refusal is a 4xx with a message in the API's error format.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { botConfigSchema, validateBotConfig } from '@mm/core';
import { startTestServer } from '../test-support/app.ts';
import type { TestServer } from '../test-support/app.ts';

let s: TestServer;
before(async () => {
  s = await startTestServer({ DEMO_BOT: 'false' });
});
after(async () => {
  await s.close();
});

const VALID = botConfigSchema.parse({ name: 'fuzz', accountId: 'paper', symbol: 'DEMOUSDT' });

/** Every leaf path of the valid config, to replace one value at a time. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  return Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]));
}
const LEAVES = paths(VALID);

function setPath(obj: unknown, path: readonly string[], value: unknown): unknown {
  const copy = structuredClone(obj) as Record<string, unknown>;
  let cursor = copy;
  for (const key of path.slice(0, -1)) cursor = cursor[key] as Record<string, unknown>;
  cursor[path.at(-1)!] = value;
  return copy;
}

const weird = fc.oneof(
  fc.jsonValue(),
  fc.string(),
  fc.double(),
  fc.constantFrom(-1, 0, 1e308, -1e308, Number.MAX_SAFE_INTEGER, '1e999', 'NaN', '', '   ', '0.0000000000000000000001', '__proto__', '{"a":', null, true, [], {}),
);

test('10,000 mutated and random bot configs: validation never throws, errors name a field', () => {
  fc.assert(
    fc.property(fc.constantFrom(...LEAVES), weird, fc.boolean(), (path, value, raw) => {
      const input = raw ? value : setPath(VALID, path, value);
      const result = validateBotConfig(input);
      if (!result.ok) {
        assert.ok(result.errors.length > 0);
        for (const e of result.errors) assert.ok(e.path.length > 0 && e.message.length > 0);
      }
    }),
    { numRuns: 10_000 },
  );
});

function isValidConfig(body: string): boolean {
  try {
    return validateBotConfig(JSON.parse(body)).ok;
  } catch {
    return false;
  }
}

interface Target {
  readonly method: 'POST' | 'PUT' | 'GET';
  readonly url: (rnd: string) => string;
  /** Whether a payload can be valid by chance (then 2xx is fine). */
  readonly mayAccept: boolean;
}

const ID = '00000000-0000-4000-8000-000000000000';
const TARGETS: Target[] = [
  { method: 'POST', url: () => '/api/bots/validate', mayAccept: true },
  { method: 'POST', url: () => '/api/bots', mayAccept: false },
  { method: 'PUT', url: () => `/api/bots/${ID}`, mayAccept: false },
  { method: 'POST', url: () => '/api/accounts', mayAccept: false },
  { method: 'PUT', url: () => '/api/accounts/paper', mayAccept: true },
  { method: 'PUT', url: () => '/api/settings', mayAccept: true },
  { method: 'POST', url: () => '/api/auth/login', mayAccept: false },
  { method: 'POST', url: () => '/api/auth/password', mayAccept: false },
  { method: 'POST', url: () => '/api/setup', mayAccept: false },
  { method: 'POST', url: (r) => `/api/bots/${encodeURIComponent(r)}/actions/${encodeURIComponent(r)}`, mayAccept: false },
  { method: 'POST', url: () => '/api/settings/telegram/test', mayAccept: true },
  { method: 'GET', url: (r) => `/api/bots/${ID}/fills?limit=${encodeURIComponent(r)}&from=${encodeURIComponent(r)}`, mayAccept: true },
  { method: 'GET', url: (r) => `/api/events?level=${encodeURIComponent(r)}&q=${encodeURIComponent(r)}`, mayAccept: true },
  { method: 'GET', url: (r) => `/api/market?accountId=${encodeURIComponent(r)}&symbol=${encodeURIComponent(r)}`, mayAccept: false },
];

test('10,000 random and malformed API requests: no crash, no 5xx, every refusal a 4xx with a message', async () => {
  const rnd = fc.sample(fc.string({ maxLength: 40 }), 10_000);
  const bodies = fc.sample(
    fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.tuple(fc.constantFrom(...LEAVES), weird).map(([p, v]) => JSON.stringify(setPath(VALID, p, v))),
      fc.constantFrom('{', '{"name":', '[1,2', 'null', '"x"', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', JSON.stringify({ a: 'x'.repeat(300_000) })),
    ),
    10_000,
  );
  const statuses = new Map<number, number>();
  for (let i = 0; i < 10_000; i++) {
    const target = TARGETS[i % TARGETS.length]!;
    const res = await s.app.http.inject({
      method: target.method,
      url: target.url(rnd[i]!),
      headers: { cookie: s.cookie, ...(target.method === 'GET' ? {} : { 'content-type': 'application/json' }) },
      ...(target.method === 'GET' ? {} : { payload: bodies[i]! }),
    });
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    assert.ok(res.statusCode < 500, `${target.method} ${target.url(rnd[i]!)} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
    if (res.statusCode >= 400) {
      const body = JSON.parse(res.body) as { error?: { code?: string; message?: string } };
      assert.ok(body.error?.code && body.error.message, `a refusal must explain itself: ${res.body.slice(0, 200)}`);
    } else {
      // creating a bot is right exactly when the payload is a valid config
      const validConfig = target.url('') === '/api/bots' && isValidConfig(bodies[i]!);
      assert.ok(target.mayAccept || validConfig, `${target.method} ${target.url(rnd[i]!)} accepted a random payload: ${bodies[i]!.slice(0, 200)}`);
    }
  }
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'no prototype pollution');
  const health = await s.request('GET', '/api/health');
  assert.equal(health.status, 200, 'still healthy');
  assert.ok((statuses.get(400) ?? 0) > 3_000, `status counts: ${JSON.stringify([...statuses])}`);
});
