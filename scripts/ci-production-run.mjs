#!/usr/bin/env node
// Part of scripts/ci-production.sh: drives the staged production install ($STAGE) against
// PostgreSQL with the app's least-privilege role ($APP_DATABASE_URL):
//   npm run start:prod → health → login → a paper bot created and started over the API → fills
//   within 90 s → an account with credentials → SIGTERM → exit 0 after a clean shutdown →
//   npm run rotate-secret to a new APP_SECRET → start:prod again with it → the bot is back RUNNING
//   → SIGTERM → exit 0.
// Plain Node (fetch, child_process): it runs where only the production install exists.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const STAGE = process.env.STAGE;
const DATABASE_URL = process.env.APP_DATABASE_URL;
if (!STAGE || !DATABASE_URL) {
  console.error('STAGE and APP_DATABASE_URL must be set (run scripts/ci-production.sh)');
  process.exit(2);
}
const ADMIN_PASSWORD = 'ci production password 1';
const FIRST_SECRET = 'ci-first-app-secret-0123456789abcdef';
const SECOND_SECRET = 'ci-second-app-secret-fedcba9876543210';
const FILLS_WITHIN_MS = 90_000;

function fail(message, output) {
  console.error(`FAILED: ${message}`);
  if (output) console.error(`--- server output ---\n${output.join('').slice(-8_000)}`);
  process.exit(1);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** The server exactly as an operator starts it: `npm run start:prod` in the install, no tsx. */
function startProd(port, appSecret) {
  const env = { ...process.env, NODE_ENV: '', DATABASE_URL, MIGRATE_ON_START: 'false', APP_SECRET: appSecret, ADMIN_PASSWORD, PORT: String(port), DATA_DIR: join(STAGE, 'data'), DEMO_BOT: 'false', LOG_LEVEL: 'info', STOP_DEADLINE_MS: '10000' };
  for (const name of ['NODE_OPTIONS', 'HOST', 'TRUST_PROXY', 'DATABASE_MIGRATION_URL', 'OLD_APP_SECRET']) delete env[name];
  const child = spawn('npm', ['run', 'start:prod'], { cwd: STAGE, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  child.stdout.on('data', (d) => output.push(d.toString()));
  child.stderr.on('data', (d) => output.push(d.toString()));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, output, exited, base: `http://127.0.0.1:${port}` };
}

async function waitForHealth(server, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (server.child.exitCode !== null) fail(`start:prod exited with ${server.child.exitCode} before it was healthy`, server.output);
    try {
      const res = await fetch(`${server.base}/api/health`);
      if (res.ok) return (await res.json());
    } catch {
      // not listening yet
    }
    if (Date.now() > until) fail(`not healthy within ${timeoutMs} ms`, server.output);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function api(server, method, path, cookie, body) {
  const res = await fetch(`${server.base}${path}`, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

async function login(server) {
  const res = await api(server, 'POST', '/api/auth/login', undefined, { username: 'admin', password: ADMIN_PASSWORD });
  if (res.status !== 200) fail(`login: ${res.status} ${res.text}`, server.output);
  return (res.headers.get('set-cookie') ?? '').split(';')[0];
}

async function stop(server, label) {
  const started = Date.now();
  server.child.kill('SIGTERM');
  const { code, signal } = await server.exited;
  const out = server.output.join('');
  if (code !== 0) fail(`${label}: start:prod exited with code ${code} (signal ${signal}) after SIGTERM, expected 0`, server.output);
  if (!out.includes('shut down cleanly')) fail(`${label}: no "shut down cleanly" in the log`, server.output);
  if (out.includes('stop deadline passed')) fail(`${label}: a bot missed its stop deadline (orders left open)`, server.output);
  console.log(`  ${label}: SIGTERM → exit 0 after a clean shutdown in ${Date.now() - started} ms`);
}

// ---- first run
const t0 = Date.now();
const first = startProd(await freePort(), FIRST_SECRET);
const health = await waitForHealth(first, 60_000);
console.log(`  start:prod healthy in ${Date.now() - t0} ms (database ${health.database}, version ${health.version})`);
if (!first.output.join('').includes('http://127.0.0.1:')) fail('the server should listen on 127.0.0.1 by default', first.output);
if (first.output.join('').includes('tsx')) fail('tsx appears in the production output', first.output);
const cookie = await login(first);

const created = await api(first, 'POST', '/api/bots', cookie, { name: 'ci paper bot', accountId: 'paper', symbol: 'DEMOUSDT' });
if (created.status !== 201) fail(`create bot: ${created.status} ${created.text}`, first.output);
const botId = created.json.id;
const started = await api(first, 'POST', `/api/bots/${botId}/actions/start`, cookie);
if (started.status !== 200) fail(`start bot: ${started.status} ${started.text}`, first.output);
console.log(`  paper bot ${botId} created and started over the API`);

const fillsFrom = Date.now();
let fills = 0;
while (Date.now() - fillsFrom < FILLS_WITHIN_MS) {
  const page = await api(first, 'GET', `/api/bots/${botId}/fills`, cookie);
  fills = page.json?.total ?? 0;
  if (fills > 0) break;
  await new Promise((r) => setTimeout(r, 1_000));
}
if (fills === 0) fail(`no fills within ${FILLS_WITHIN_MS / 1000} s`, first.output);
const bot = await api(first, 'GET', `/api/bots/${botId}`, cookie);
console.log(`  ${fills} fill(s) after ${Date.now() - fillsFrom} ms; bot state ${bot.json?.state}`);

const account = await api(first, 'POST', '/api/accounts', cookie, { name: 'ci bitmart', venue: 'bitmart', market: 'spot', credentials: { apiKey: 'ci-key-0001', apiSecret: 'ci-venue-secret-0001', memo: 'ci' } });
if (account.status !== 201) fail(`create account: ${account.status} ${account.text}`, first.output);
await stop(first, 'first run');

// ---- APP_SECRET rotation with the production tool, by the app role
const rotate = spawnSync('npm', ['run', '--silent', 'rotate-secret', '--', '--old-secret-env', 'OLD_APP_SECRET'], {
  cwd: STAGE,
  encoding: 'utf8',
  env: { ...process.env, DATABASE_URL, OLD_APP_SECRET: FIRST_SECRET, APP_SECRET: SECOND_SECRET },
});
if (rotate.status !== 0 || !/re-encrypted 1 credential set/.test(rotate.stdout)) fail(`rotate-secret exited ${rotate.status}:\n${rotate.stdout}\n${rotate.stderr}`);
if ((rotate.stdout + rotate.stderr).includes(FIRST_SECRET) || (rotate.stdout + rotate.stderr).includes(SECOND_SECRET)) fail('rotate-secret printed a secret');
console.log(`  rotate-secret: ${rotate.stdout.split('\n').find((l) => l.startsWith('re-encrypted'))}`);

// ---- second run with the new secret: the bot the operator left running comes back
const second = startProd(await freePort(), SECOND_SECRET);
await waitForHealth(second, 60_000);
const cookie2 = await login(second);
let state;
for (let i = 0; i < 60; i++) {
  state = (await api(second, 'GET', `/api/bots/${botId}`, cookie2)).json?.state;
  if (state === 'RUNNING') break;
  await new Promise((r) => setTimeout(r, 500));
}
if (state !== 'RUNNING') fail(`after the restart the bot is ${state}, expected RUNNING`, second.output);
const accounts = await api(second, 'GET', '/api/accounts', cookie2);
if (!accounts.json?.some((a) => a.id === account.json.id && a.credentialHint !== undefined)) fail(`the account lost its credentials: ${accounts.text}`, second.output);
console.log('  restarted with the rotated APP_SECRET: the bot is RUNNING again');
await stop(second, 'second run');
console.log(`  done in ${Math.round((Date.now() - t0) / 1000)} s`);
