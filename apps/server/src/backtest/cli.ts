// npm run backtest -- --config <file> [--hours 24] [--seed 1] [--json]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateBotConfig } from '@mm/core';
import { runBacktest } from './run.ts';
import type { BacktestReport, BacktestSpec } from './run.ts';

function usage(message?: string): never {
  if (message) process.stderr.write(`error: ${message}\n`);
  process.stderr.write('usage: npm run backtest -- --config <file.json> [--hours 24] [--seed 1] [--json]\n');
  process.exit(2);
}

function parseArgs(argv: string[]): { config: string; hours: number; seed: number; json: boolean } {
  let config: string | undefined;
  let hours = 24;
  let seed = 1;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--config') config = argv[++i];
    else if (a === '--hours') hours = Number(argv[++i]);
    else if (a === '--seed') seed = Number(argv[++i]);
    else if (a === '--json') json = true;
    else usage(`unknown option ${a}`);
  }
  if (config === undefined) usage('--config is required');
  if (!(hours > 0 && hours <= 24 * 31)) usage('--hours must be between 0 and 744');
  if (!Number.isInteger(seed) || seed < 0) usage('--seed must be a whole number ≥ 0');
  return { config, hours, seed, json };
}

const assets = (m: Readonly<Record<string, string>>) => (Object.keys(m).length === 0 ? 'none' : Object.entries(m).map(([asset, v]) => `${v} ${asset}`).join(', '));

function printReport(r: BacktestReport): void {
  const lines = [
    `backtest ${r.symbol}: ${r.hours} h, seed ${r.seed}, ${r.wallSeconds} s wall, ${r.simulatedEvents} events`,
    `fills          ${r.fills.count} (maker ${r.fills.maker}, taker ${r.fills.taker}, volume leg ${r.fills.volumeLeg})`,
    `volume         ${r.volume.total} (maker ${r.volume.maker}, taker ${r.volume.taker}; volume leg ${r.volume.volumeLeg})`,
    `target         ${r.volume.dailyTarget}/day → ${r.volume.targetHitPct} % hit; max volume leg per hour ${r.volume.maxVolumeLegPerHour}; outside windows ${r.volume.volumeLegFillsOutsideWindows}`,
    `pnl            net ${r.pnl.net} ${r.pnl.quoteAsset} at ${r.pnl.mark} (realized ${r.pnl.realized}, unrealized ${r.pnl.unrealized}, fees ${r.pnl.fees}, funding ${r.pnl.funding}); equity ${r.pnl.equityStart} → ${r.pnl.equityEnd}`,
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

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let spec: BacktestSpec;
  try {
    spec = JSON.parse(readFileSync(resolve(args.config), 'utf8')) as BacktestSpec;
  } catch (error) {
    usage(`cannot read ${args.config}: ${(error as Error).message}`);
  }
  const check = validateBotConfig({ ...spec.bot, accountId: 'backtest' });
  if (!check.ok) usage(`invalid bot config:\n${check.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`);
  const report = await runBacktest(spec, {
    hours: args.hours,
    seed: args.seed,
    onProgress: args.json ? undefined : (done) => process.stderr.write(`\r${(done * 100).toFixed(0)} %`),
  });
  if (!args.json) process.stderr.write('\r');
  if (args.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else printReport(report);
}

main().catch((error: unknown) => {
  process.stderr.write(`backtest failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
