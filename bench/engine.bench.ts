// Engine benchmarks: the full loop (simulated market + strategy + risk + matching) at backtest
// speed, the decision latency from a market event to the first order command it causes, and
// venue requests per grid refresh at the shipped spot example config.
import { readFileSync } from 'node:fs';
import { SimClock, botConfigSchema } from '@mm/core';
import type { BotConfigInput } from '@mm/core';
import { BotManager, MemoryJournal } from '@mm/engine';
import { DEMO_MARKETS, PaperWorld } from '@mm/exchange-sim';
import type { Benchmark } from './types.ts';

const EXAMPLE = JSON.parse(readFileSync(new URL('../examples/synthetic-spot-backtest.json', import.meta.url), 'utf8')) as { bot: BotConfigInput; funding: Record<string, string> };

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function loop(hours: number): Promise<Record<string, number>> {
  const start = Date.parse('2026-01-05T06:00:00Z');
  const clock = new SimClock(start);
  const world = new PaperWorld({ clock, seed: 3, markets: DEMO_MARKETS, defaultFunding: EXAMPLE.funding });
  const manager = new BotManager({ clock, journal: new MemoryJournal((symbol) => world.exchange.instrument(symbol)), venues: world, timings: { statsIntervalMs: 60_000 } });
  const bot = await manager.add('bench', botConfigSchema.parse({ ...EXAMPLE.bot, accountId: 'bench' }));
  const venue = world.venue('bench', 'spot');

  // decision latency: wall time from a book event reaching the bot to its first order command
  const samples: number[] = [];
  let bookAt: bigint | undefined;
  const emit = venue.events.emit.bind(venue.events);
  venue.events.emit = ((topic: string, payload: unknown) => {
    if (topic === 'book') bookAt = process.hrtime.bigint();
    emit(topic as never, payload as never);
  }) as typeof venue.events.emit;
  const firstCommand = () => {
    if (bookAt !== undefined) samples.push(Number(process.hrtime.bigint() - bookAt) / 1_000);
    bookAt = undefined;
  };
  const place = venue.placeOrders.bind(venue);
  venue.placeOrders = (r) => {
    firstCommand();
    return place(r);
  };
  const cancel = venue.cancelOrders.bind(venue);
  venue.cancelOrders = (r) => {
    firstCommand();
    return cancel(r);
  };
  // only book events that lead to a command within the same simulated instant count
  let lastTime = clock.now();
  const clearStale = clock.setInterval(() => {
    if (clock.now() !== lastTime) bookAt = undefined;
    lastTime = clock.now();
  }, 1, { pure: true });

  world.start();
  const starting = manager.start(bot.id);
  const wallStart = process.hrtime.bigint();
  const marketEvents = () => world.simulators.reduce((n, sim) => n + sim.events, 0);
  const eventsStart = marketEvents();
  await clock.runUntil(start + hours * 3_600_000);
  const wall = Number(process.hrtime.bigint() - wallStart) / 1e9;
  await starting;
  clock.clearTimer(clearStale);
  // market events: price steps and every order and cancel of the simulated participants
  const events = marketEvents() - eventsStart;
  const requests = bot.requestCounts;
  samples.sort((a, b) => a - b);
  return {
    'engine.loop_events_per_s': events / wall,
    'engine.decision_latency_p50_us': percentile(samples, 50),
    'engine.decision_latency_p99_us': percentile(samples, 99),
    'engine.requests_per_refresh': (requests.place + requests.cancel) / Math.max(1, bot.metrics.activeRefreshes),
  };
}

export const engineBenchmarks: Benchmark[] = [
  {
    name: 'engine.loop',
    description: 'spot example bot on the simulated market for 2 simulated hours: loop throughput, decision latency, requests per refresh',
    runs: 3,
    run: () => loop(2),
  },
];
