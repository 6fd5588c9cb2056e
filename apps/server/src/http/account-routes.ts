// Venue accounts. Credentials are write-only: stored encrypted, never returned (only a masked
// hint), never logged.
import { EngineError, VENUE_CREDENTIALS, accountInputSchema, fx } from '@mm/core';
import type { AccountTestDto, InstrumentDto, VenueName } from '@mm/core';
import type { Storage } from '@mm/storage';
import { z } from 'zod';
import { instrumentDto } from '../bots/dto.ts';
import type { BotService } from '../bots/service.ts';
import type { VenueRegistry } from '../venues/registry.ts';
import { idParams } from './auth-routes.ts';
import type { Routes } from './route.ts';
import { validationError } from './route.ts';

/** A venue needs one complete credential set (e.g. Asterdex V3 or V1). */
function checkCredentials(venue: VenueName, credentials: Readonly<Record<string, string>>): void {
  const sets = VENUE_CREDENTIALS[venue];
  if (venue === 'sim') return;
  const complete = sets.some((set) => set.every((f) => f.optional === true || (credentials[f.name] ?? '').trim() !== ''));
  if (!complete) {
    const options = sets.map((set) => set.filter((f) => f.optional !== true).map((f) => f.name).join(' + ')).join(' or ');
    throw validationError([{ path: 'credentials', message: `${venue} needs ${options}` }]);
  }
}

const accountPatchSchema = accountInputSchema.partial().omit({ venue: true });

export function accountRoutes(routes: Routes, storage: Storage, registry: VenueRegistry, bots: BotService): void {
  routes.add({ method: 'GET', url: '/api/accounts', summary: 'Venue accounts (no secrets)', tag: 'accounts', response: 'AccountDto[]', handler: async () => (await storage.accounts.list()).map((a) => bots.accountDto(a)) });

  routes.add({
    method: 'POST',
    url: '/api/accounts',
    summary: 'Add a venue account; credentials are encrypted and never shown again',
    tag: 'accounts',
    body: accountInputSchema,
    response: 'AccountDto',
    handler: async ({ body, reply }) => {
      if (body.venue === 'sim') throw validationError([{ path: 'venue', message: 'the paper account exists already; add a live venue' }]);
      checkCredentials(body.venue, body.credentials);
      const account = await storage.accounts.create({
        name: body.name,
        venue: body.venue,
        market: body.market,
        live: body.live,
        ...(body.baseUrls === undefined ? {} : { baseUrls: body.baseUrls }),
        credentials: body.credentials,
      });
      reply.code(201);
      return bots.accountDto(account);
    },
  });

  routes.add({
    method: 'PUT',
    url: '/api/accounts/:id',
    summary: 'Change an account (credentials only when given)',
    tag: 'accounts',
    params: idParams,
    body: accountPatchSchema,
    response: 'AccountDto',
    handler: async ({ params, body }) => {
      const current = await storage.accounts.get(params.id);
      if (current === undefined) throw new EngineError('NOT_FOUND', `no account ${params.id}`);
      const credentials = body.credentials !== undefined && Object.keys(body.credentials).length > 0 ? body.credentials : undefined;
      if (credentials !== undefined) checkCredentials(current.venue as VenueName, credentials);
      const updated = await storage.accounts.update(params.id, {
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.live === undefined ? {} : { live: body.live }),
        ...(body.baseUrls === undefined ? {} : { baseUrls: body.baseUrls }),
        ...(credentials === undefined ? {} : { credentials }),
      });
      await registry.forget(params.id);
      bots.invalidateAccount(params.id);
      return bots.accountDto(updated);
    },
  });

  routes.add({
    method: 'DELETE',
    url: '/api/accounts/:id',
    summary: 'Delete an account that no bot uses',
    tag: 'accounts',
    params: idParams,
    handler: async ({ params }) => {
      if (params.id === 'paper') throw new EngineError('CONFLICT', 'the built-in paper account cannot be deleted');
      const used = await storage.bots.list({ accountId: params.id });
      if (used.length > 0) throw new EngineError('CONFLICT', `account is used by ${used.map((b) => b.name).join(', ')}; delete or move those bots first`);
      await registry.forget(params.id);
      if (!(await storage.accounts.delete(params.id))) throw new EngineError('NOT_FOUND', `no account ${params.id}`);
      bots.invalidateAccount(params.id);
      return undefined;
    },
  });

  routes.add({
    method: 'POST',
    url: '/api/accounts/:id/test',
    summary: 'Test the connection: server time, balances, what the key can do',
    tag: 'accounts',
    params: idParams,
    response: 'AccountTestDto',
    handler: async ({ params }): Promise<AccountTestDto> => {
      const started = Date.now();
      try {
        const adapter = await registry.forAccount(params.id);
        await adapter.serverTime();
        const latencyMs = Date.now() - started;
        const balances = await adapter.balances();
        const account = (await storage.accounts.get(params.id))!;
        return {
          ok: true,
          message: `connected to ${account.name}`,
          balances: balances.filter((b) => b.total !== 0n).map((b) => ({ asset: b.asset, total: fx.format(b.total), free: fx.format(b.free) })),
          // reading balances proves read access; venues do not report trade permission without trading
          permissions: account.venue === 'sim' ? ['read', 'trade'] : ['read', 'trade: not verifiable without placing an order'],
          latencyMs,
        };
      } catch (error) {
        return { ok: false, message: (error as Error).message, balances: [], permissions: [], latencyMs: undefined };
      }
    },
  });

  routes.add({
    method: 'GET',
    url: '/api/accounts/:id/instruments',
    summary: 'Symbols the account can trade',
    tag: 'accounts',
    params: idParams,
    query: z.object({ market: z.enum(['spot', 'perp']).optional() }),
    response: 'InstrumentDto[]',
    handler: async ({ params, query }): Promise<InstrumentDto[]> => {
      const account = await storage.accounts.get(params.id);
      if (account === undefined) throw new EngineError('NOT_FOUND', `no account ${params.id}`);
      const markets = account.venue === 'sim' ? (['spot', 'perp'] as const) : [account.market];
      const out: InstrumentDto[] = [];
      for (const market of markets) {
        if (query.market !== undefined && query.market !== market) continue;
        const adapter = await registry.forAccount(account, market);
        for (const i of await adapter.instruments()) {
          out.push(instrumentDto(i));
        }
      }
      return out;
    },
  });
}
