// The backtest report as one self-contained HTML page: inline CSS and inline SVG, no scripts, no
// fonts or images from anywhere, so it opens offline and can be mailed around as one file.
import type { BacktestReport, Split } from '../types.ts';
import { reportPlots } from './plots.ts';
import { escapeXml as esc } from './svg.ts';

const CSS = `
:root { color-scheme: dark; }
* { box-sizing: border-box; }
body { margin: 0; background: #0a0a0a; color: #e8e8e8; font: 13px/1.5 "JetBrains Mono", "JetBrains Mono Variable", ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-variant-numeric: tabular-nums; }
main { max-width: 1010px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 16px; font-weight: 600; margin: 0 0 4px; letter-spacing: .02em; }
h2 { font-size: 12px; font-weight: 600; color: #a0a0a0; text-transform: uppercase; letter-spacing: .08em; margin: 28px 0 8px; border-bottom: 1px solid #2a2a2a; padding-bottom: 4px; }
.meta { color: #a0a0a0; }
.note { border-left: 2px solid #6a6a6a; padding: 6px 12px; margin: 14px 0; color: #c8c8c8; background: #101010; }
.headline { display: grid; grid-template-columns: 1.6fr repeat(3, 1fr); border: 1px solid #4a4a4a; margin-top: 16px; }
.fig { padding: 10px 14px; border-right: 1px solid #262626; border-bottom: 1px solid #262626; }
.fig .k { display: block; color: #8a8a8a; font-size: 11px; text-transform: uppercase; letter-spacing: .06em; }
.fig .v { display: block; font-size: 20px; white-space: nowrap; }
.fig .u { color: #8a8a8a; font-size: 12px; margin-left: 4px; }
.fig.main { grid-row: span 2; background: #141414; }
.fig.main .v { font-size: 40px; line-height: 1.15; margin-top: 6px; }
.fig.main small { display: block; color: #8a8a8a; font-size: 11px; margin-top: 6px; }
.bad { text-decoration: underline; }
svg.plot { display: block; width: 100%; height: auto; background: #0f0f0f; border: 1px solid #262626; margin: 10px 0 18px; }
svg text { fill: #a0a0a0; font-size: 11px; font-family: inherit; }
svg text.title { fill: #e8e8e8; font-size: 12px; }
svg text.sub { fill: #6a6a6a; }
svg text.legend { fill: #c8c8c8; }
svg text.axis-title { fill: #6a6a6a; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 3px 10px; border-bottom: 1px solid #1e1e1e; text-align: right; white-space: nowrap; }
th { color: #8a8a8a; font-weight: normal; border-bottom: 1px solid #3a3a3a; }
th:first-child, td:first-child { text-align: left; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; margin: 0; }
dt { color: #8a8a8a; } dd { margin: 0; }
summary { color: #a0a0a0; cursor: default; }
pre { overflow: auto; background: #0f0f0f; border: 1px solid #262626; padding: 12px; font: inherit; font-size: 12px; color: #c8c8c8; }
.scroll { overflow-x: auto; }
@media (max-width: 720px) {
  main { padding: 16px 10px 32px; }
  .headline { grid-template-columns: 1fr 1fr; }
  .fig.main { grid-column: span 2; grid-row: auto; }
  .fig .v { font-size: 17px; }
}
footer { color: #6a6a6a; margin-top: 28px; font-size: 12px; }
`;

/** 2026-01-05T00:00:00.000Z → 2026-01-05 00:00 */
const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');
const bps = (v: number | null) => (v === null ? '–' : v.toFixed(2));

function figure(key: string, label: string, value: string, unit = '', cls = ''): string {
  return `<div class="fig${cls ? ` ${cls}` : ''}" data-figure="${key}"><span class="k">${esc(label)}</span><span class="v">${esc(value)}${unit ? `<span class="u">${esc(unit)}</span>` : ''}</span></div>`;
}

function headline(r: BacktestReport): string {
  const e = r.execution;
  const q = r.pnl.quoteAsset;
  const cost = e.costOfVolumeBps === null ? '–' : String(e.costOfVolumeBps);
  return (
    `<section class="headline">` +
    `<div class="fig main" data-figure="costOfVolumeBps"><span class="k">cost of volume</span><span class="v">${esc(cost)}<span class="u">bps</span></span>` +
    `<small>−net PnL ÷ volume × 10,000 · positive = the volume cost money</small></div>` +
    figure('net', 'net PnL', r.pnl.net, q) +
    figure('volume', 'volume', r.volume.total, q) +
    figure('makerSharePct', 'maker share', String(e.makerSharePct), '%') +
    figure('targetHitPct', 'target hit', String(r.volume.targetHitPct), '%') +
    figure('maxDrawdown', 'max drawdown', r.maxDrawdown, q) +
    figure('selfTrades', 'self-trades', String(r.selfTrades), '', r.selfTrades === 0 ? '' : 'bad') +
    `</section>`
  );
}

function executionTable(r: BacktestReport): string {
  const e = r.execution;
  const rows: [keyof Split<unknown>, string][] = [
    ['all', 'all fills'],
    ['maker', 'maker'],
    ['taker', 'taker'],
    ['grid', 'grid (mm)'],
    ['volume', 'volume leg'],
  ];
  const head = `<tr><th></th><th>fills</th><th>notional</th><th>spread captured</th>${e.markoutHorizonsMs.map((h) => `<th>markout ${h / 1000} s</th>`).join('')}</tr>`;
  const body = rows
    .map(([k, label]) => `<tr><td>${label}</td><td>${e.fills[k]}</td><td>${esc(e.notional[k])}</td><td>${bps(e.spreadCapturedBps[k])}</td>${e.markoutBps[k].map((v) => `<td>${bps(v)}</td>`).join('')}</tr>`)
    .join('');
  return `<div class="scroll"><table>${head}${body}</table></div><p class="meta">bps, weighted by notional. Spread captured: against the mid at the trade, positive = earned. Markout: the mid h later against the fill price, signed by side, positive = the fill was worth more afterwards.</p>`;
}

function details(r: BacktestReport): string {
  const p = r.pnl;
  const s = r.accountStatement;
  const rows: [string, string][] = [
    ['realized', `${p.realized} ${p.quoteAsset}`],
    ['unrealized', `${p.unrealized} ${p.quoteAsset} (position ${p.position} ${p.baseAsset} at the final mark ${p.mark})`],
    ['fees', `${p.fees} ${p.quoteAsset}`],
    ['funding', `${p.funding} ${p.quoteAsset}`],
    ['equity', `${p.equityStart} → ${p.equityEnd} ${p.quoteAsset}`],
    ['account check', `exchange account change ${s.change} − ledger net ${s.ledgerNet} = ${s.difference}`],
    ['fills', `${r.fills.count} (maker ${r.fills.maker}, taker ${r.fills.taker}, volume leg ${r.fills.volumeLeg})`],
    ['orders', `placed ${r.orders.placed}, canceled ${r.orders.canceled}, rejected ${r.orders.rejected}`],
    ['inventory', `${r.inventory.baseStart} → ${r.inventory.baseEnd} (range ${r.inventory.baseMin} … ${r.inventory.baseMax}) ${p.baseAsset}`],
    ['target', `${r.volume.dailyTarget} ${p.quoteAsset}/day: ${r.volume.targetHitPct} % of target × days, ${r.volume.paceHitPct} % of the pace over the period; volume leg at most ${r.volume.maxVolumeLegPerHour} in an hour; ${r.volume.volumeLegFillsOutsideWindows} fills outside windows`],
    ['risk', `trips ${JSON.stringify(r.riskTrips)}, denials ${JSON.stringify(r.riskDenials)}`],
    ['self-trades', `${r.selfTrades} (STP prevented ${r.stpPrevented})`],
    ['final state', r.finalState],
  ];
  return `<dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

function marketNote(r: BacktestReport): string {
  const m = r.market;
  const what =
    m.kind === 'recorded'
      ? 'Recorded real market data. Our orders never change the recorded market: fills come from the recorded trades and a queue-position model, so the market impact of our own orders is not in these figures.'
      : 'Synthetic market from the built-in simulator. Our orders trade with simulated participants (some informed) and move its book.';
  return `<div class="note" data-market="${m.kind}"><strong>market: ${m.kind}</strong> — ${esc(what)}<br>${esc(m.description)}</div>`;
}

export function renderHtmlReport(r: BacktestReport): string {
  const plots = reportPlots(r);
  const config = JSON.stringify({ bot: r.bot, world: r.world, start: r.period.start, hours: r.hours, seed: r.seed }, null, 2);
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Backtest ${esc(r.symbol)} · ${r.hours} h · seed ${r.seed}</title><style>${CSS}</style></head><body><main>`,
    `<h1>Backtest · ${esc(r.symbol)} · ${esc(r.bot.name)}</h1>`,
    `<div class="meta">${esc(when(r.period.start))} → ${esc(when(r.period.end))} UTC · ${r.hours} h · seed ${r.seed} · ${r.simulatedEvents} simulated events</div>`,
    marketNote(r),
    headline(r),
    '<h2>Execution</h2>',
    executionTable(r),
    '<h2>Plots</h2>',
    ...plots.map((p) => p.svg),
    '<h2>Details</h2>',
    details(r),
    '<h2>Config used</h2>',
    `<details open><summary>bot config (defaults filled in), simulated account and period</summary><pre>${esc(config)}</pre></details>`,
    `<footer>mm-engine backtest report. Figures come from the bot's ledger (an average-cost fold over its own fills) valued at the final reference price. Cost of volume = −net PnL ÷ traded notional × 10,000 bps.</footer>`,
    '</main></body></html>',
    '',
  ].join('\n');
}
