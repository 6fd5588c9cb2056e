// Measures the dashboard with 10 bots running on paper: frame times and CPU of the overview page
// (and of one bot page, which adds the charts and the 10 Hz book), plus the bundle sizes.
// Not a test (timed figures stay out of `npm test`): run `npm run perf -w @mm/web`.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { REPO, buildWeb, launchBrowser, startServer, tempDir } from './harness.ts';

const PASSWORD = 'perf password 123';
const BOTS = 10;
const WARMUP_MS = Number(process.env.PERF_WARMUP_MS ?? 10_000);
const MEASURE_MS = Number(process.env.PERF_MEASURE_MS ?? 30_000);

interface Measurement {
  readonly page: string;
  readonly seconds: number;
  readonly frames: number;
  readonly fps: number;
  readonly frameP50: number;
  readonly frameP95: number;
  readonly frameP99: number;
  readonly frameMax: number;
  readonly framesOver50ms: number;
  readonly longTasks: number;
  readonly longTaskMaxMs: number;
  readonly cpuPct: number;
  readonly scriptPct: number;
  readonly layoutStylePct: number;
  readonly wsFramesPerSec: number;
  readonly heapMb: number;
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function measure(page: Page, name: string): Promise<Measurement> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  let wsFrames = 0;
  await cdp.send('Network.enable');
  cdp.on('Network.webSocketFrameReceived', () => wsFrames++);
  await page.waitForTimeout(WARMUP_MS);
  // a string, not a function: tsx's name helpers do not exist in the page
  await page.evaluate(`(() => {
    const w = window;
    w.__perf = { frames: [], long: [], stop: false };
    let last = performance.now();
    const loop = (t) => {
      w.__perf.frames.push(t - last);
      last = t;
      if (!w.__perf.stop) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__perf.long.push(e.duration);
    }).observe({ type: 'longtask' });
  })()`);
  const metric = async () => Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.map((m) => [m.name, m.value]));
  const before = await metric();
  wsFrames = 0;
  const t0 = Date.now();
  await page.waitForTimeout(MEASURE_MS);
  const after = await metric();
  const seconds = (Date.now() - t0) / 1000;
  const perf = (await page.evaluate(`(() => {
    window.__perf.stop = true;
    return { frames: window.__perf.frames.slice(1), long: window.__perf.long };
  })()`)) as { frames: number[]; long: number[] };
  const sorted = [...perf.frames].sort((a, b) => a - b);
  const d = (k: string) => (after[k] ?? 0) - (before[k] ?? 0);
  const round = (n: number, p = 1) => Math.round(n * 10 ** p) / 10 ** p;
  return {
    page: name,
    seconds: round(seconds),
    frames: perf.frames.length,
    fps: round(perf.frames.length / seconds),
    frameP50: round(pct(sorted, 50)),
    frameP95: round(pct(sorted, 95)),
    frameP99: round(pct(sorted, 99)),
    frameMax: round(sorted[sorted.length - 1] ?? 0),
    framesOver50ms: perf.frames.filter((f) => f > 50).length,
    longTasks: perf.long.length,
    longTaskMaxMs: round(Math.max(0, ...perf.long)),
    cpuPct: round((d('TaskDuration') / seconds) * 100),
    scriptPct: round((d('ScriptDuration') / seconds) * 100),
    layoutStylePct: round(((d('LayoutDuration') + d('RecalcStyleDuration')) / seconds) * 100),
    wsFramesPerSec: round(wsFrames / seconds),
    heapMb: round((after.JSHeapUsedSize ?? 0) / 1024 / 1024),
  };
}

function bundleSizes(dist: string): { file: string; bytes: number; gzip: number }[] {
  const out: { file: string; bytes: number; gzip: number }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(js|css|html)$/.test(name)) {
        const data = readFileSync(path);
        out.push({ file: path.slice(dist.length + 1), bytes: data.length, gzip: gzipSync(data, { level: 9 }).length });
      }
    }
  };
  walk(dist);
  return out.sort((a, b) => b.gzip - a.gzip);
}

async function main(): Promise<void> {
  const webDist = tempDir('mm-perf-web-');
  buildWeb(webDist);
  const sizes = bundleSizes(webDist);
  const server = await startServer({ webDist });
  const browser = await launchBrowser();
  try {
    const api = async (method: string, path: string, body?: unknown, cookie?: string) => {
      const res = await fetch(server.url + path, {
        method,
        headers: { 'content-type': 'application/json', origin: server.url, ...(cookie ? { cookie } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res;
    };
    const setup = await api('POST', '/api/setup', { username: 'admin', password: PASSWORD });
    const cookie = (setup.headers.get('set-cookie') ?? '').split(';')[0]!;
    const existing = (await (await api('GET', '/api/bots', undefined, cookie)).json()) as unknown[];
    for (let i = existing.length; i < BOTS; i++) {
      await api(
        'POST',
        '/api/bots',
        {
          name: `paper ${String(i + 1).padStart(2, '0')}`,
          accountId: 'paper',
          symbol: 'DEMOUSDT',
          marketMaking: { bidLevels: 5, askLevels: 5, bidSpread: { minPct: 0.15 + i * 0.05, maxPct: 2 }, askSpread: { minPct: 0.15 + i * 0.05, maxPct: 2 }, bidBudgetQuote: '500', askBudgetBase: '500', refresh: { intervalMs: 1000 } },
          volume: { enabled: i % 3 === 0, dailyTargetQuote: '50000' },
          seed: i + 1,
        },
        cookie,
      );
    }
    await api('POST', '/api/bots/actions/start', {}, cookie);
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    await context.addCookies([{ name: cookie.split('=')[0]!, value: cookie.split('=').slice(1).join('='), url: server.url }]);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole('table', { name: 'Bots' }).waitFor();
    const rows = await page.getByRole('table', { name: 'Bots' }).locator('tbody tr').count();
    const overview = await measure(page, `overview (${rows} bots)`);
    const running = await page.getByRole('table', { name: 'Bots' }).locator('tbody tr', { hasText: 'RUNNING' }).count();
    const shots = join(REPO, 'test-output/screenshots');
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'perf-overview-10-bots.png'), fullPage: true });
    await page.getByRole('link', { name: 'paper 02' }).click();
    await page.getByRole('table', { name: 'Open orders' }).waitFor({ timeout: 30_000 });
    const botPage = await measure(page, 'bot page (charts, book)');
    await page.screenshot({ path: join(shots, 'perf-bot-page.png'), fullPage: true });

    const report = { at: new Date().toISOString(), bots: rows, running, measureSeconds: MEASURE_MS / 1000, results: [overview, botPage], bundle: sizes };
    const outDir = join(REPO, 'test-output/perf');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'dashboard-perf.json'), JSON.stringify(report, null, 2));
    console.log(`\n${rows} bots on the overview, ${running} running; ${MEASURE_MS / 1000} s measured after ${WARMUP_MS / 1000} s warm-up\n`);
    console.table(report.results);
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    console.log('\nbundle (gzip -9):');
    console.table(sizes.map((s) => ({ file: s.file, raw: kb(s.bytes), gzip: kb(s.gzip) })));
    // what the first page load fetches: index.html and the scripts, preloads and styles it names
    const html = readFileSync(join(webDist, 'index.html'), 'utf8');
    const named = new Set([...html.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]));
    const initial = sizes.filter((s) => s.file === 'index.html' || named.has(s.file));
    console.log(`total JS+CSS gzip: ${kb(sizes.reduce((n, s) => n + s.gzip, 0))}`);
    console.log(`first load (index.html + entry, preloaded chunks, CSS) gzip: ${kb(initial.reduce((n, s) => n + s.gzip, 0))} — ${initial.map((s) => s.file).join(', ')}`);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(webDist, { recursive: true, force: true });
  }
}

await main();
