// How the server sends the dashboard: Vite's hashed assets cached for a year (immutable) and sent
// precompressed (the .br / .gz that scripts/compress-assets.mjs writes at build time, picked by
// Accept-Encoding, with Vary), index.html and the page routes revalidated on every load.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { compressAssets } from '../../../scripts/compress-assets.mjs';
import { cacheControlFor } from './app.ts';
import { startTestServer } from '../test-support/app.ts';
import type { TestServer } from '../test-support/app.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const SCRIPT = `// the app\n${Array.from({ length: 200 }, (_, i) => `export const value${i} = ${JSON.stringify(`some repeated text ${i % 7}`)};`).join('\n')}\n`;
const INDEX = `<!doctype html><html><head><script type="module" src="/assets/app-abc123.js"></script></head><body><div id="root"></div>${'<!-- padding -->'.repeat(40)}</body></html>\n`;

interface Raw {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

describe('the dashboard assets: caching and precompression', () => {
  let dist: string;
  let s: TestServer;

  function get(path: string, headers: Record<string, string> = {}): Promise<Raw> {
    const url = new URL(path, s.base);
    return new Promise((resolve, reject) => {
      // node:http, not fetch: fetch adds its own Accept-Encoding and decompresses the body
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  const varies = (r: Raw) => String(r.headers.vary ?? '').toLowerCase().split(/\s*,\s*/).includes('accept-encoding');

  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'mm-web-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'app-abc123.js'), SCRIPT);
    writeFileSync(join(dist, 'assets', 'font-Zx9_k-Q1.woff2'), Buffer.alloc(2048, 7));
    // the build step itself writes the compressed copies
    const written = await compressAssets(dist);
    const app = written.find((w) => w.path === 'assets/app-abc123.js');
    assert.ok(app?.br !== undefined && app.gz !== undefined, 'the script got a .br and a .gz');
    assert.ok(existsSync(join(dist, 'assets', 'app-abc123.js.br')) && existsSync(join(dist, 'assets', 'app-abc123.js.gz')));
    assert.ok(!existsSync(join(dist, 'assets', 'font-Zx9_k-Q1.woff2.br')), 'woff2 is compressed already: no copy');
    s = await startTestServer({ WEB_DIST: dist, DEMO_BOT: 'false' });
  });

  after(async () => {
    await s?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  test('Accept-Encoding: br → the brotli copy, immutable for a year, Vary: Accept-Encoding', async () => {
    const r = await get('/assets/app-abc123.js', { 'accept-encoding': 'br' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], 'br');
    assert.equal(r.headers['cache-control'], IMMUTABLE);
    assert.ok(varies(r), `vary: ${r.headers.vary}`);
    assert.match(String(r.headers['content-type']), /javascript/);
    assert.equal(brotliDecompressSync(r.body).toString(), SCRIPT);
    assert.ok(r.body.length < Buffer.byteLength(SCRIPT) / 2, `${r.body.length} bytes sent for ${Buffer.byteLength(SCRIPT)}`);
  });

  test('a browser offering both gets brotli; gzip only → the gzip copy', async () => {
    const both = await get('/assets/app-abc123.js', { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(both.headers['content-encoding'], 'br');
    const r = await get('/assets/app-abc123.js', { 'accept-encoding': 'gzip' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(r.headers['cache-control'], IMMUTABLE);
    assert.ok(varies(r));
    assert.match(String(r.headers['content-type']), /javascript/);
    assert.equal(gunzipSync(r.body).toString(), SCRIPT);
  });

  test('no Accept-Encoding → the original bytes (identity), still immutable and Vary', async () => {
    const r = await get('/assets/app-abc123.js');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], undefined);
    assert.equal(r.headers['cache-control'], IMMUTABLE);
    assert.ok(varies(r), 'a shared cache must not hand this copy to a browser that accepts br');
    assert.equal(r.body.toString(), SCRIPT);
    const identity = await get('/assets/app-abc123.js', { 'accept-encoding': 'identity' });
    assert.equal(identity.headers['content-encoding'], undefined);
    assert.equal(identity.body.toString(), SCRIPT);
    // a file without compressed copies: the original, whatever the browser accepts
    const font = await get('/assets/font-Zx9_k-Q1.woff2', { 'accept-encoding': 'br, gzip' });
    assert.equal(font.status, 200);
    assert.equal(font.headers['content-encoding'], undefined);
    assert.equal(font.headers['cache-control'], IMMUTABLE);
    assert.equal(font.body.length, 2048);
  });

  test('index.html, / and a page route: no-cache (revalidated with the ETag), compressed too', async () => {
    for (const path of ['/', '/index.html', '/bots/some-bot']) {
      const r = await get(path, { 'accept-encoding': 'br' });
      assert.equal(r.status, 200, path);
      assert.equal(r.headers['cache-control'], 'no-cache', path);
      assert.match(String(r.headers['content-type']), /text\/html/, path);
      assert.equal(r.headers['content-encoding'], 'br', path);
      assert.equal(brotliDecompressSync(r.body).toString(), INDEX, path);
    }
    const plain = await get('/index.html');
    assert.equal(plain.body.toString(), INDEX);
    assert.equal(plain.headers['cache-control'], 'no-cache');
    const etag = plain.headers.etag;
    assert.ok(etag !== undefined, 'an ETag to revalidate with');
    const again = await get('/index.html', { 'if-none-match': etag });
    assert.equal(again.status, 304);
  });

  test('the API is still never cached', async () => {
    const r = await get('/api/health');
    assert.equal(r.headers['cache-control'], 'no-store');
  });

  test('which files count as hashed', () => {
    assert.equal(cacheControlFor('assets/index-D7lbR8vs.js'), IMMUTABLE);
    assert.equal(cacheControlFor('assets/rolldown-runtime-WkwZ5CU-.js.br'), IMMUTABLE);
    assert.equal(cacheControlFor('assets/core-20cek9_p.js.gz'), IMMUTABLE);
    assert.equal(cacheControlFor('assets/jetbrains-mono-latin-wght-normal-B9CIFXIH.woff2'), IMMUTABLE);
    assert.equal(cacheControlFor('index.html'), 'no-cache');
    assert.equal(cacheControlFor('index.html.br'), 'no-cache');
    assert.equal(cacheControlFor('favicon.svg'), 'no-cache');
    assert.equal(cacheControlFor('assets/logo.svg'), 'no-cache', 'no hash in the name: it may change under it');
  });

  test('the compressed copies are what the build wrote, and a rebuild replaces them', async () => {
    assert.deepEqual(brotliDecompressSync(readFileSync(join(dist, 'assets', 'app-abc123.js.br'))).toString(), SCRIPT);
    writeFileSync(join(dist, 'assets', 'tiny-a1b2c3d4.js'), 'x');
    writeFileSync(join(dist, 'assets', 'tiny-a1b2c3d4.js.br'), 'stale');
    await compressAssets(dist);
    assert.ok(!existsSync(join(dist, 'assets', 'tiny-a1b2c3d4.js.br')), 'a stale copy of a file too small to compress is removed');
  });
});
