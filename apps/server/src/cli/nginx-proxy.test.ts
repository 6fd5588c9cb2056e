// The shipped nginx site (infra/nginx) in front of a running app: rendered by infra/nginx/render.sh
// with a self-signed certificate, accepted by `nginx -t` (in a private prefix and inside Debian's
// own nginx.conf), then serving HTTPS and the authenticated WebSocket through the proxy, with its
// security headers, request size limit, http→https redirect and forwarded-header handling.
// nginx runs on loopback high ports from a temp prefix; nothing of the system's nginx is touched.
// Without nginx or openssl the test is skipped with the reason, unless CI is set: then it fails.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import type { BotSummaryDto } from '@mm/core';
import { ADMIN_PASSWORD, startTestServer } from '../../test-support/app.ts';
import type { TestServer } from '../../test-support/app.ts';
import { ROOT, freePorts } from '../../test-support/process.ts';

function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

const NGINX = findTool('nginx');
const OPENSSL = findTool('openssl');
const ENVSUBST = findTool('envsubst');
const missing = [
  NGINX === undefined ? 'nginx' : undefined,
  OPENSSL === undefined ? 'openssl' : undefined,
  ENVSUBST === undefined ? 'envsubst (gettext-base)' : undefined,
].filter((m) => m !== undefined);
const inCi = process.env.CI !== undefined && process.env.CI !== '';
const skip = missing.length === 0 ? undefined : `${missing.join(', ')} not installed (apt-get install -y nginx openssl gettext-base)`;
if (skip !== undefined && inCi) throw new Error(`CI is set, so the nginx proxy test must run: ${skip}`);

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

describe('infra/nginx in front of the app', { skip }, () => {
  let app: TestServer;
  let prefix: string;
  let nginx: ChildProcess | undefined;
  let ca: Buffer;
  let httpsPort: number;
  let httpPort: number;
  let origin: string;
  const nginxOutput: string[] = [];

  function https(method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', servername: 'localhost', port: httpsPort, path, method, ca, headers: { host: `localhost:${httpsPort}`, ...options.headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }

  function nginxArgs(conf: string): string[] {
    return ['-p', prefix, '-c', conf, '-e', join(prefix, 'logs', 'error.log')];
  }

  before(async () => {
    prefix = mkdtempSync(join(tmpdir(), 'mm-nginx-'));
    chmodSync(prefix, 0o755); // nginx workers (nobody, when the test runs as root) read below it
    for (const dir of ['conf', 'logs', 'tmp', 'acme', 'tls']) mkdirSync(join(prefix, dir), { recursive: true });
    const cert = join(prefix, 'tls', 'cert.pem');
    const key = join(prefix, 'tls', 'key.pem');
    const ssl = spawnSync(OPENSSL!, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', key, '-out', cert], { encoding: 'utf8' });
    assert.equal(ssl.status, 0, ssl.stderr);
    ca = readFileSync(cert);
    // two at once: two calls one after the other can hand out the same port, and nginx then
    // sees its HTTP and HTTPS servers on one address
    [httpsPort, httpPort] = (await freePorts(2)) as [number, number];
    origin = `https://localhost:${httpsPort}`;

    // the app as production runs it behind the proxy: localhost only, trusting the proxy's headers
    app = await startTestServer({ HOST: '127.0.0.1', TRUST_PROXY: 'true', CORS_ORIGINS: origin });
    const appPort = new URL(app.base).port;

    const rendered = spawnSync('sh', [join(ROOT, 'infra/nginx/render.sh')], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        MM_DOMAIN: 'localhost',
        MM_TLS_CERT: cert,
        MM_TLS_KEY: key,
        MM_UPSTREAM: `127.0.0.1:${appPort}`,
        MM_HTTP_LISTEN: `127.0.0.1:${httpPort}`,
        MM_HTTPS_LISTEN: `127.0.0.1:${httpsPort}`,
        MM_ACME_ROOT: join(prefix, 'acme'),
      },
    });
    assert.equal(rendered.status, 0, rendered.stderr);
    assert.doesNotMatch(rendered.stdout, /\$\{MM_[A-Z_]+\}/, 'every template variable is filled in');
    writeFileSync(join(prefix, 'conf', 'mm-engine.conf'), rendered.stdout);
    const tmp = (name: string) => `${name}_temp_path ${join(prefix, 'tmp', name)};`;
    writeFileSync(
      join(prefix, 'conf', 'nginx.conf'),
      [
        'worker_processes 1;',
        'daemon off;',
        `pid ${join(prefix, 'logs', 'nginx.pid')};`,
        `error_log ${join(prefix, 'logs', 'error.log')} warn;`,
        'events { worker_connections 256; }',
        'http {',
        '  access_log off;',
        `  ${tmp('client_body')} ${tmp('proxy')} ${tmp('fastcgi')} ${tmp('uwsgi')} ${tmp('scgi')}`,
        `  include ${join(prefix, 'conf', 'mm-engine.conf')};`,
        '}',
        '',
      ].join('\n'),
    );
  });

  after(async () => {
    if (nginx !== undefined && nginx.exitCode === null) {
      const exited = new Promise((r) => nginx!.once('exit', r));
      nginx.kill('SIGQUIT'); // graceful
      await exited;
    }
    await app?.close();
    if (prefix !== undefined) rmSync(prefix, { recursive: true, force: true });
  });

  test('nginx -t accepts the rendered site, alone and inside Debian\'s nginx.conf', () => {
    const check = spawnSync(NGINX!, ['-t', ...nginxArgs(join(prefix, 'conf', 'nginx.conf'))], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stderr, /syntax is ok/);
    assert.match(check.stderr, /test is successful/);
    // the way an operator installs it: Debian's stock nginx.conf, the site in sites-enabled
    const debian = '/etc/nginx/nginx.conf';
    if (existsSync(debian) && process.getuid?.() === 0) {
      const stock = readFileSync(debian, 'utf8');
      assert.match(stock, /include \/etc\/nginx\/sites-enabled\/\*;/);
      const conf = join(prefix, 'conf', 'debian-nginx.conf');
      writeFileSync(conf, stock.replace('include /etc/nginx/sites-enabled/*;', `include ${join(prefix, 'conf', 'mm-engine.conf')};`));
      const inStock = spawnSync(NGINX!, ['-t', ...nginxArgs(conf)], { encoding: 'utf8' });
      assert.equal(inStock.status, 0, inStock.stderr);
    }
  });

  test('HTTPS through the proxy: health, security headers, login with a secure cookie, size limit, redirect', async () => {
    nginx = spawn(NGINX!, nginxArgs(join(prefix, 'conf', 'nginx.conf')), { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stdout?.on('data', (d: Buffer) => nginxOutput.push(d.toString()));
    nginx.stderr?.on('data', (d: Buffer) => nginxOutput.push(d.toString()));
    let health: Reply | undefined;
    for (let i = 0; i < 100 && health === undefined; i++) {
      health = await https('GET', '/api/health').catch(() => undefined);
      if (health === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(health !== undefined, `nginx did not answer on ${httpsPort}: ${nginxOutput.join('')}`);
    assert.equal(health.status, 200, health.body);
    assert.equal((JSON.parse(health.body) as { status: string }).status, 'ok');
    // each security header once (nginx replaces the app's copies), HSTS from nginx, CSP from the app
    assert.equal(health.headers['strict-transport-security'], 'max-age=63072000');
    assert.equal(health.headers['x-frame-options'], 'DENY');
    assert.equal(health.headers['x-content-type-options'], 'nosniff');
    assert.equal(health.headers['referrer-policy'], 'no-referrer');
    assert.match(String(health.headers['content-security-policy']), /default-src 'self'/);
    assert.equal(health.headers.server, 'nginx', 'no version in the Server header');

    // a login through the proxy: the app sees https (X-Forwarded-Proto), so the cookie is Secure;
    // a client's own X-Forwarded-For is overwritten, so it cannot dodge the per-address limiter
    const login = await https('POST', '/api/auth/login', {
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
      headers: { 'content-type': 'application/json', origin, 'x-forwarded-for': '203.0.113.9' },
    });
    assert.equal(login.status, 200, login.body);
    const setCookie = String(login.headers['set-cookie']);
    assert.match(setCookie, /; Secure/i);
    const cookie = setCookie.split(';')[0]!;
    let loginIp: string | undefined;
    for (let i = 0; i < 50 && loginIp === undefined; i++) {
      const audit = JSON.parse((await https('GET', '/api/audit?limit=20', { headers: { cookie } })).body) as { items: { action: string; ip: string }[] };
      loginIp = audit.items.find((a) => a.action === 'login')?.ip;
      if (loginIp === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(loginIp, '127.0.0.1', 'the app records the address nginx saw, not the spoofed one');

    // the body limit: nginx answers 413 itself, still with the security headers
    const big = await https('POST', '/api/bots', { body: 'x'.repeat(300 * 1024), headers: { 'content-type': 'application/json', cookie, origin } });
    assert.equal(big.status, 413);
    assert.equal(big.headers['x-frame-options'], 'DENY');
    assert.equal(big.headers['strict-transport-security'], 'max-age=63072000');

    // plain HTTP only redirects (and would answer ACME challenges)
    const plain = await new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: httpPort, path: '/api/health', headers: { host: 'localhost' } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, location: res.headers.location });
      });
      req.on('error', reject);
      req.end();
    });
    assert.deepEqual(plain, { status: 301, location: 'https://localhost/api/health' });
  });

  test('the dashboard WebSocket through the proxy: refused without a session, streams both ways with one', async () => {
    assert.ok(nginx !== undefined && nginx.exitCode === null, 'nginx runs (previous test)');
    const url = `wss://localhost:${httpsPort}/ws`;
    const refused = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(url, { ca, headers: { origin } });
      ws.on('unexpected-response', (req, res) => {
        req.destroy();
        resolve(res.statusCode ?? 0);
      });
      ws.on('open', () => reject(new Error('opened without a session')));
      ws.on('error', reject);
    });
    assert.equal(refused, 401);

    const bots = await https('GET', '/api/bots', { headers: { cookie: app.cookie } });
    const demo = (JSON.parse(bots.body) as BotSummaryDto[])[0];
    assert.ok(demo !== undefined, 'the demo bot exists');
    const seen = await new Promise<{ hello: boolean; forBot: string | undefined }>((resolve, reject) => {
      const ws = new WebSocket(url, { ca, headers: { origin, cookie: app.cookie } });
      let hello = false;
      const timer = setTimeout(() => {
        ws.terminate();
        resolve({ hello, forBot: undefined });
      }, 15_000);
      ws.on('message', (raw) => {
        const messages = JSON.parse(String(raw)) as { type: string; botId?: string }[];
        for (const m of messages) {
          if (m.type === 'hello') {
            hello = true;
            // client → server through the proxy: ask for the demo bot's detail stream
            ws.send(JSON.stringify({ type: 'subscribe', botId: demo.id }));
          }
          // book and order messages go only to a client that subscribed to the bot
          if ((m.type === 'book' || m.type === 'order') && m.botId === demo.id) {
            clearTimeout(timer);
            ws.close();
            resolve({ hello, forBot: m.type });
          }
        }
      });
      ws.on('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.on('error', reject);
    });
    assert.equal(seen.hello, true, 'the hello frame arrives');
    assert.ok(seen.forBot !== undefined, 'the subscription reached the app and its stream came back');
  });
});
