// The text report of one backtest run (the CLI's default output).
import type { BacktestReport } from './types.ts';

const assets = (m: Readonly<Record<string, string>>) => (Object.keys(m).length === 0 ? 'none' : Object.entries(m).map(([asset, v]) => `${v} ${asset}`).join(', '));
const bps = (v: number | null) => (v === null ? '–' : `${v}`);

export function printReport(r: BacktestReport): void {
  const e = r.execution;
  const markouts = (k: 'maker' | 'taker' | 'all') => e.markoutHorizonsMs.map((h, i) => `${h / 1000} s ${bps(e.markoutBps[k][i] ?? null)}`).join(', ');
  const lines = [
    `backtest ${r.symbol}: ${r.hours} h, seed ${r.seed}, ${r.wallSeconds} s wall, ${r.simulatedEvents} events; market ${r.market.kind}`,
    `cost of volume ${bps(e.costOfVolumeBps)} bps (−net ÷ volume × 10,000); maker share ${e.makerSharePct} %`,
    `fills          ${r.fills.count} (maker ${r.fills.maker}, taker ${r.fills.taker}, volume leg ${r.fills.volumeLeg})`,
    `volume         ${r.volume.total} (maker ${r.volume.maker}, taker ${r.volume.taker}; volume leg ${r.volume.volumeLeg})`,
    `target         ${r.volume.dailyTarget}/day → ${r.volume.targetHitPct} % hit (${r.volume.paceHitPct} % of the pace over the period); max volume leg per hour ${r.volume.maxVolumeLegPerHour}; outside windows ${r.volume.volumeLegFillsOutsideWindows}`,
    `pnl            net ${r.pnl.net} ${r.pnl.quoteAsset} at ${r.pnl.mark} (realized ${r.pnl.realized}, unrealized ${r.pnl.unrealized}, fees ${r.pnl.fees}, funding ${r.pnl.funding}); equity ${r.pnl.equityStart} → ${r.pnl.equityEnd}`,
    `spread capt.   ${bps(e.spreadCapturedBps.all)} bps (maker ${bps(e.spreadCapturedBps.maker)}, taker ${bps(e.spreadCapturedBps.taker)}; grid ${bps(e.spreadCapturedBps.grid)}, volume leg ${bps(e.spreadCapturedBps.volume)})`,
    `markouts       maker: ${markouts('maker')}; taker: ${markouts('taker')} (bps)`,
    `fees paid      ${assets(r.pnl.feesByAsset)}`,
    `position       ${r.pnl.position} ${r.pnl.baseAsset}${r.pnl.averageEntry === undefined ? '' : ` at an average ${r.pnl.averageEntry}`}`,
    `account        change ${r.accountStatement.change} ${r.accountStatement.quoteAsset} at ${r.accountStatement.mark} (balances ${assets(r.accountStatement.balanceChanges)}; unrealized ${r.accountStatement.unrealizedStart} → ${r.accountStatement.unrealizedEnd}${Object.keys(r.accountStatement.unvalued).length === 0 ? '' : `; unvalued ${assets(r.accountStatement.unvalued)}`})`,
    `               − ledger net ${r.accountStatement.ledgerNet} = difference ${r.accountStatement.difference}`,
    `inventory      ${r.inventory.baseStart} → ${r.inventory.baseEnd} (range ${r.inventory.baseMin} … ${r.inventory.baseMax})`,
    `max drawdown   ${r.maxDrawdown}`,
    `risk trips     ${JSON.stringify(r.riskTrips)}; denials ${JSON.stringify(r.riskDenials)}`,
    `orders         placed ${r.orders.placed}, canceled ${r.orders.canceled}, rejected ${r.orders.rejected}`,
    `self-trades    ${r.selfTrades} (STP prevented ${r.stpPrevented})`,
    `final state    ${r.finalState}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
