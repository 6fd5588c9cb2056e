// `npm run runner`: a runner process. It claims bots through leases in the shared PostgreSQL,
// trades them, and reports back through the database; the server (RUNNERS=external) serves the
// API and dashboard. Paper bots trade on the server's simulated exchange over the network.
// SIGTERM drains: every bot's orders are cancelled and its lease given back, so the other
// runners take over at once.
import { randomUUID } from 'node:crypto';
import { LiveClock } from '@mm/core';
import { LIVE_FACTORIES, RemotePaperVenues, Runner, VenueRegistry, installProcessGuards } from '@mm/runner';
import { openStorage } from '@mm/storage';
import { pino } from 'pino';
import { loadRunnerEnv } from './env.ts';

export const VERSION = '0.1.0';

async function main(): Promise<void> {
  let env;
  try {
    env = loadRunnerEnv(process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const logger = pino({ level: env.logLevel, base: { runner: env.name } });
  const clock = new LiveClock();
  const storage = await openStorage({
    databaseUrl: env.databaseUrl,
    ...(env.appSecret === undefined ? {} : { appSecret: env.appSecret }),
    // the server migrates; a runner only checks that the schema is the one it knows
    migrate: 'verify',
    logger,
  });
  // a restarted runner is a new runner: its id (the venue's attribution of its orders) is fresh
  const id = randomUUID();
  const registry = new VenueRegistry(storage, new RemotePaperVenues({ url: env.paperVenueUrl, token: env.runnerToken, client: id, clock }), clock, LIVE_FACTORIES);
  const runner = new Runner({ storage, venues: registry, clock, logger, version: VERSION, id, name: env.name, ttlMs: env.leaseTtlMs, renewMs: env.leaseRenewMs, timings: { stopDeadlineMs: env.stopDeadlineMs } });

  let stopping = false;
  const stop = (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping: handing the bots over');
    const force = setTimeout(() => process.exit(1), env.leaseTtlMs + 5_000);
    force.unref();
    runner
      .drain()
      .then(() => registry.closeAll())
      .then(() => storage.close())
      .then(() => process.exit(exitCode))
      .catch((error: unknown) => {
        logger.error({ error: (error as Error).message }, 'shutdown failed');
        process.exit(1);
      });
  };
  installProcessGuards({ error: (details, message) => logger.error(details, message), shutdown: stop });
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  await runner.start();
  process.stdout.write(`runner ${env.name} (${runner.id}) is running; paper exchange at ${env.paperVenueUrl}\n`);
}

void main();
