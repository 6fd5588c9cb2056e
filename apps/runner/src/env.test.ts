// The runner process's settings: what is required, what the defaults are, and that every
// problem is reported at once in words an operator can act on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadRunnerEnv } from './env.ts';

const URL = 'postgres://mm@db:5432/mm';

test('defaults: only DATABASE_URL is needed', () => {
  const env = loadRunnerEnv({ DATABASE_URL: URL });
  assert.equal(env.databaseUrl, URL);
  assert.equal(env.leaseTtlMs, 10_000);
  assert.equal(env.leaseRenewMs, 2_000);
  assert.equal(env.stopDeadlineMs, 10_000);
  assert.equal(env.logLevel, 'info');
  assert.equal(env.paperVenueUrl, 'ws://127.0.0.1:8080/api/venue');
  assert.equal(env.runnerToken, undefined);
  assert.equal(env.appSecret, undefined);
  assert.match(env.name, new RegExp(`-${process.pid}$`), 'default name is host-pid');
});

test('values are read; empty values count as unset', () => {
  const env = loadRunnerEnv({ DATABASE_URL: URL, RUNNER_NAME: 'r-1', LEASE_TTL_MS: '6000', LEASE_RENEW_MS: '3000', STOP_DEADLINE_MS: '', LOG_LEVEL: 'debug', RUNNER_TOKEN: 'tok', APP_SECRET: '', PAPER_VENUE_URL: 'ws://server:8080/api/venue' });
  assert.equal(env.name, 'r-1');
  assert.equal(env.leaseTtlMs, 6_000);
  assert.equal(env.leaseRenewMs, 3_000, 'exactly half the TTL is allowed');
  assert.equal(env.stopDeadlineMs, 10_000);
  assert.equal(env.logLevel, 'debug');
  assert.equal(env.runnerToken, 'tok');
  assert.equal(env.appSecret, undefined);
  assert.equal(env.paperVenueUrl, 'ws://server:8080/api/venue');
});

test('DATABASE_URL is required (unset or empty) with a message saying why', () => {
  for (const env of [{}, { DATABASE_URL: '' }]) {
    assert.throws(() => loadRunnerEnv(env), /DATABASE_URL is required: a runner shares the PostgreSQL database/);
  }
});

test('renewal must be at most half the TTL', () => {
  assert.throws(() => loadRunnerEnv({ DATABASE_URL: URL, LEASE_TTL_MS: '10000', LEASE_RENEW_MS: '5001' }), /LEASE_RENEW_MS \(5001\) must be at most half of LEASE_TTL_MS \(10000\)/);
  assert.throws(() => loadRunnerEnv({ DATABASE_URL: URL, LEASE_RENEW_MS: '6000' }), /at most half of LEASE_TTL_MS \(10000\)/, 'the default TTL counts too');
});

test('bad numbers and levels are named with their allowed range; every problem is listed at once', () => {
  assert.throws(() => loadRunnerEnv({ DATABASE_URL: URL, LEASE_TTL_MS: 'ten' }), /LEASE_TTL_MS must be a whole number of milliseconds from 3000 to 120000, not "ten"/);
  assert.throws(() => loadRunnerEnv({ DATABASE_URL: URL, LEASE_TTL_MS: '2999' }), /LEASE_TTL_MS must be/);
  assert.throws(() => loadRunnerEnv({ DATABASE_URL: URL, LEASE_RENEW_MS: '1.5' }), /LEASE_RENEW_MS must be/);
  assert.throws(() => loadRunnerEnv({ DATABASE_URL: URL, STOP_DEADLINE_MS: '999' }), /STOP_DEADLINE_MS must be/);
  assert.throws(() => loadRunnerEnv({ DATABASE_URL: URL, LOG_LEVEL: 'loud' }), /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/);
  let message = '';
  try {
    loadRunnerEnv({ LEASE_TTL_MS: 'x', LOG_LEVEL: 'loud' });
  } catch (error) {
    message = (error as Error).message;
  }
  assert.match(message, /^invalid runner environment:/);
  for (const part of ['DATABASE_URL is required', 'LEASE_TTL_MS must be', 'LOG_LEVEL must be']) assert.ok(message.includes(part), `${part} in:\n${message}`);
});
