// The report's new figures against their sources: the PnL is the ledger's own fold of the
// recorded fills, the execution figures follow from the fill records, the HTML shows the JSON's
// headline and draws every plot without touching the network, and a run repeats exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BotLedger, foldInto, fx } from '@mm/core';
import type { LedgerFill } from '@mm/core';
import { renderHtmlReport } from './report/html.ts';
import { reportPlots } from './report/plots.ts';
import { runBacktest } from './run.ts';
import type { BacktestReport, BacktestSpec } from './run.ts';
import { signedBps } from './series.ts';

const example = JSON.parse(readFileSync(new URL('../../../../examples/synthetic-spot-backtest.json', import.meta.url), 'utf8')) as BacktestSpec;
// inside the volume window, so the bot trades from the start
const spec: BacktestSpec = { ...example, start: '2026-01-05T06:00:00Z' };
const OPTIONS = { hours: 2, seed: 3 };
let cached: Promise<BacktestReport> | undefined;
const report = () => (cached ??= runBacktest(spec, OPTIONS));

test('report net PnL = the ledger folded again over the recorded fills', async () => {
  const r = await report();
  assert.ok(r.series.fills.length > 20, `${r.series.fills.length} fills`);
  const fills: LedgerFill[] = r.series.fills.map((f) => ({
    side: f.side,
    qty: fx.parse(f.qty),
    price: fx.parse(f.price),
    notional: fx.parse(f.notional),
    fee: fx.parse(f.fee),
    feeAsset: f.feeAsset,
    liquidity: f.liquidity,
    tag: f.tag,
    venueTime: f.t,
  }));
  const ledger = foldInto(new BotLedger({ base: r.pnl.baseAsset, quote: r.pnl.quoteAsset, timeZone: r.bot.volume.timezone }), fills, [], []);
  const figures = ledger.figures(fx.parse(r.pnl.mark), Date.parse(r.period.end));
  assert.equal(fx.format(figures.net, { decimals: 8 }), r.pnl.net);
  assert.equal(fx.format(figures.allTime.maker + figures.allTime.taker, { decimals: 2 }), r.volume.total);
  assert.equal(r.series.fills.length, r.fills.count);
});

test('execution figures follow from the records: cost of volume, maker share, spreads and markouts', async () => {
  const r = await report();
  const e = r.execution;
  const net = fx.parse(r.pnl.net);
  const volume = fx.parse(r.volume.total);
  assert.ok(e.costOfVolumeBps !== null);
  assert.ok(Math.abs(e.costOfVolumeBps - (-fx.toNumber(net) / fx.toNumber(volume)) * 10_000) < 0.01, `${e.costOfVolumeBps} bps`);
  assert.ok(Math.abs(e.makerSharePct - (Number(r.volume.maker) / Number(r.volume.total)) * 100) < 0.01);
  assert.equal(e.fills.all, r.fills.count);
  assert.equal(e.fills.maker + e.fills.taker, e.fills.all);
  assert.equal(e.fills.grid + e.fills.volume, e.fills.all);
  for (const f of r.series.fills) {
    assert.ok(f.mid !== null, 'the book had both sides at every trade');
    assert.equal(f.spreadBps, signedBps(f.side, fx.parse(f.price), fx.parse(f.mid), fx.parse(f.mid)));
    f.midAfter.forEach((m, i) => assert.equal(f.markoutBps[i], m === null ? null : signedBps(f.side, fx.parse(f.price), fx.parse(m), fx.parse(f.price))));
    // a maker fill rests on our side of the mid: it earns against it
    if (f.liquidity === 'maker') assert.ok(f.spreadBps! > 0, `maker ${f.side} at ${f.price}, mid ${f.mid}`);
  }
  // every fill before the last minute has all three markouts
  const end = Date.parse(r.period.end);
  assert.ok(r.series.fills.filter((f) => f.t < end).every((f) => f.midAfter.every((m) => m !== null)));
  const samples = r.series.samples;
  assert.ok(samples.length >= 119 && samples.length <= 121, `${samples.length} samples: one per simulated minute`);
  assert.ok(samples.every((s, i) => i === 0 || s.t - samples[i - 1]!.t === 60_000));
  assert.ok(samples.every((s) => s.mid !== null && s.reference !== null));
  assert.equal(r.selfTrades, 0);
  assert.equal(r.market.kind, 'synthetic');
});

test('HTML report: the headline figures of the JSON, one <svg> per plot, nothing from the network', async () => {
  const r = await report();
  const html = renderHtmlReport(r);
  const figure = (key: string) => new RegExp(`data-figure="${key}"[^]*?<span class="v">([^<]*)`).exec(html)?.[1];
  assert.equal(figure('costOfVolumeBps'), String(r.execution.costOfVolumeBps));
  assert.equal(figure('net'), r.pnl.net);
  assert.equal(figure('volume'), r.volume.total);
  assert.equal(figure('makerSharePct'), String(r.execution.makerSharePct));
  assert.equal(figure('targetHitPct'), String(r.volume.targetHitPct));
  assert.equal(figure('maxDrawdown'), r.maxDrawdown);
  assert.equal(figure('selfTrades'), '0');
  const plots = reportPlots(r);
  assert.equal(html.match(/<svg\b/g)?.length, plots.length);
  for (const id of ['equity', 'net-pnl', 'inventory', 'price', 'hourly-volume', 'spread-captured', 'markouts']) assert.ok(html.includes(`data-plot="${id}"`), id);
  assert.doesNotMatch(html, /https?:|\/\/[a-z]|<script|<link|<img|@import|url\(/i, 'self-contained');
  assert.match(html, /font-family|font: 13px\/1.5 "JetBrains Mono"/);
  assert.match(html, /market: synthetic/);
  assert.ok(html.includes(`&quot;minPct&quot;: ${r.bot.marketMaking.bidSpread.minPct}`), 'the config used');
  // every plot's marks stay inside its view box
  for (const p of plots) {
    const coords = [...p.svg.matchAll(/\b(?:x|y|x1|x2|y1|y2|cx|cy)="(-?[\d.]+)"/g)].map((m) => Number(m[1]));
    assert.ok(coords.every((c) => c >= 0 && c <= 960), p.id);
  }
});

test('same config and seed: the same report, except the wall time', async () => {
  const a = await report();
  const b = await runBacktest(spec, OPTIONS);
  const strip = (r: BacktestReport) => JSON.stringify({ ...r, wallSeconds: 0 });
  assert.equal(strip(a), strip(b));
  assert.equal(renderHtmlReport(a), renderHtmlReport(b));
});
