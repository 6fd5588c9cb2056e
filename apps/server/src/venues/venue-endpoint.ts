// /api/venue: the server's simulated exchange served to external runners (RUNNERS=external), so
// a paper bot trades on the same paper world wherever its runner runs. Runners authenticate with
// RUNNER_TOKEN; only paper accounts (venue sim) are served, those on live market data too (their
// replay world and feeds stay here); live venues are reached by the runners themselves.
import { EngineError } from '@mm/core';
import { serveVenues } from '@mm/exchange';
import type { VenueServer } from '@mm/exchange';
import type { VenueRegistry } from '@mm/runner';
import type { Storage } from '@mm/storage';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

export const VENUE_PATH = '/api/venue';

export async function serveVenuesToRunners(http: FastifyInstance, storage: Storage, registry: VenueRegistry, token: string | undefined, logger: Logger): Promise<VenueServer | undefined> {
  if (token === undefined) {
    logger.warn('RUNNER_TOKEN is not set: runners cannot reach the paper exchange, so paper bots cannot run (set the same RUNNER_TOKEN on the server and the runners)');
    return undefined;
  }
  const venues = await serveVenues({
    token,
    path: VENUE_PATH,
    resolve: async (hello) => {
      const account = await storage.accounts.get(hello.accountId);
      if (account === undefined) throw new EngineError('NOT_FOUND', `no account "${hello.accountId}"`);
      if (account.venue !== 'sim') throw new EngineError('PERMISSION_DENIED', `account ${account.name} is not a paper account; runners reach live venues themselves`);
      return registry.forAccount(account, hello.market);
    },
    log: (level, message, fields) => logger[level](fields ?? {}, `paper venue: ${message}`),
  });
  http.get(VENUE_PATH, { websocket: true }, (socket) => venues.accept(socket));
  return venues;
}
