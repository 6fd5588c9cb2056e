// Prometheus text exposition of the engine's state: one gauge family per figure, labelled by bot.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FleetView } from '@mm/runner';
import type { Storage } from '@mm/storage';

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function renderMetrics(manager: FleetView, storage: Storage, startedAt: number): string {
  const lines: string[] = [];
  const family = (name: string, help: string, type: 'gauge' | 'counter') => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  const sample = (name: string, labels: Record<string, string>, value: number | string | undefined) => {
    if (value === undefined || value === '' || Number.isNaN(Number(value))) return;
    const l = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
    lines.push(`${name}{${l}} ${value}`);
  };
  const bots = manager.list().map((bot) => ({ bot, stats: bot.stats() }));

  family('mm_bot_up', 'Bot lifecycle state (1 for the current state)', 'gauge');
  for (const { bot } of bots) sample('mm_bot_up', { bot: bot.config.name, symbol: bot.symbol, state: bot.state }, 1);
  family('mm_bot_halted', 'Bot trading state is HALTED', 'gauge');
  for (const { bot } of bots) sample('mm_bot_halted', { bot: bot.config.name }, bot.tradingState === 'HALTED' ? 1 : 0);
  family('mm_bot_open_orders', 'Open orders of the bot', 'gauge');
  for (const { bot, stats } of bots) sample('mm_bot_open_orders', { bot: bot.config.name }, stats.openOrders);
  family('mm_bot_equity_quote', 'Account equity in quote currency at the reference price', 'gauge');
  for (const { bot, stats } of bots) sample('mm_bot_equity_quote', { bot: bot.config.name }, stats.equity);
  family('mm_bot_pnl_net_quote', 'Net PnL since start (realized + unrealized - fees)', 'gauge');
  for (const { bot, stats } of bots) sample('mm_bot_pnl_net_quote', { bot: bot.config.name }, stats.pnl.net);
  family('mm_bot_volume_today_quote', 'Traded notional today', 'gauge');
  for (const { bot, stats } of bots) sample('mm_bot_volume_today_quote', { bot: bot.config.name }, stats.volume.total);
  family('mm_bot_volume_target_quote', 'Daily volume target', 'gauge');
  for (const { bot, stats } of bots) sample('mm_bot_volume_target_quote', { bot: bot.config.name }, stats.volume.target);
  family('mm_bot_venue_requests_total', 'Order-entry requests sent to the venue', 'counter');
  for (const { bot } of bots) {
    sample('mm_bot_venue_requests_total', { bot: bot.config.name, kind: 'place' }, bot.requestCounts.place);
    sample('mm_bot_venue_requests_total', { bot: bot.config.name, kind: 'cancel' }, bot.requestCounts.cancel);
  }
  family('mm_database_up', 'Storage health (1 ok, 0 degraded)', 'gauge');
  sample('mm_database_up', {}, storage.health === 'ok' ? 1 : 0);
  family('mm_event_loop_delay_p99_seconds', 'Event loop delay, 99th percentile since the last scrape', 'gauge');
  sample('mm_event_loop_delay_p99_seconds', {}, (loopDelay.percentile(99) / 1e9).toFixed(6));
  loopDelay.reset();
  family('mm_process_resident_memory_bytes', 'Resident memory of the process', 'gauge');
  sample('mm_process_resident_memory_bytes', {}, process.memoryUsage().rss);
  family('mm_process_uptime_seconds', 'Seconds since start', 'gauge');
  sample('mm_process_uptime_seconds', {}, Math.round((Date.now() - startedAt) / 1000));
  return lines.join('\n') + '\n';
}
