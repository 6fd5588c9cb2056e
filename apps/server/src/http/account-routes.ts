// Venue accounts. Credentials are write-only: stored encrypted, never returned (only a masked
// hint), never logged.
import { EngineError, VENUE_CREDENTIALS, accountInputSchema, fx } from '@mm/core';
import type { AccountDto, AccountTestDto, FieldError, InstrumentDto, VenueName } from '@mm/core';
import type { Account, Storage } from '@mm/storage';
import { z } from 'zod';
import { instrumentDto } from '../bots/dto.ts';
import type { BotService } from '../bots/service.ts';
import { paperAccountIssues } from '../paper-live/validation.ts';
import { ASTER_AUTH_FIELDS, asterAuthFamily, marketsOf } from '@mm/runner';
import type { VenueRegistry } from '@mm/runner';
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

type AuthFamily = 'v3' | 'v1';

const FAMILY_NAME: Record<AuthFamily, string> = { v3: 'V3 (API wallet)', v1: 'V1 (HMAC key)' };
const FIELD_LABEL: Record<string, string> = {
  user: 'the wallet address (user)',
  signer: 'the API wallet address (signer)',
  signerPrivateKey: 'the API wallet private key',
  apiKey: 'the API key',
  apiSecret: 'the API secret',
};
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const PRIVATE_KEY = /^(0x)?[0-9a-fA-F]{64}$/;

const given = (credentials: Readonly<Record<string, string>>): string[] => Object.keys(credentials).filter((k) => (credentials[k] ?? '').trim() !== '');

/** The family the fields given belong to; "mixed" when they belong to both. */
function familyOfFields(credentials: Readonly<Record<string, string>>): AuthFamily | 'mixed' | undefined {
  const names = given(credentials);
  const v3 = names.some((n) => ASTER_AUTH_FIELDS.v3.includes(n));
  const v1 = names.some((n) => ASTER_AUTH_FIELDS.v1.includes(n));
  return v3 && v1 ? 'mixed' : v3 ? 'v3' : v1 ? 'v1' : undefined;
}

/**
 * Asterdex: which family, and whether the credentials fit it. An explicit `authFamily` wins;
 * without one the fields decide (as before the choice existed), unless they mix both families.
 */
function asterCredentialIssues(family: AuthFamily | undefined, credentials: Readonly<Record<string, string>>): { family: AuthFamily | undefined; issues: FieldError[] } {
  const inferred = familyOfFields(credentials);
  if (family === undefined) {
    if (inferred === 'mixed') {
      return { family: undefined, issues: [{ path: 'authFamily', message: 'the credentials mix V3 fields (user, signer, signerPrivateKey) and V1 fields (apiKey, apiSecret); choose authFamily "v3" or "v1" and send that family\'s fields only' }] };
    }
    if (inferred === undefined) {
      return { family: undefined, issues: [{ path: 'authFamily', message: 'choose authFamily "v3" (user + signer + signerPrivateKey, recommended) or "v1" (apiKey + apiSecret) and enter its credentials' }] };
    }
    family = inferred;
  }
  const other: AuthFamily = family === 'v3' ? 'v1' : 'v3';
  const issues: FieldError[] = [];
  for (const name of given(credentials)) {
    if (ASTER_AUTH_FIELDS[family].includes(name)) continue;
    issues.push({
      path: `credentials.${name}`,
      message: ASTER_AUTH_FIELDS[other].includes(name)
        ? `${name} is a ${FAMILY_NAME[other]} field, but authFamily is "${family}": ${FAMILY_NAME[family]} takes ${ASTER_AUTH_FIELDS[family].join(' + ')} (or choose authFamily "${other}")`
        : `${name} is not an Asterdex credential; ${FAMILY_NAME[family]} takes ${ASTER_AUTH_FIELDS[family].join(' + ')}`,
    });
  }
  for (const name of ASTER_AUTH_FIELDS[family]) {
    const value = (credentials[name] ?? '').trim();
    if (value === '') issues.push({ path: `credentials.${name}`, message: `${FAMILY_NAME[family]} needs ${FIELD_LABEL[name]}` });
    else if ((name === 'user' || name === 'signer') && !ADDRESS.test(value)) issues.push({ path: `credentials.${name}`, message: `${FIELD_LABEL[name]} must be an address: 0x and 40 hex digits` });
    else if (name === 'signerPrivateKey' && !PRIVATE_KEY.test(value)) issues.push({ path: `credentials.${name}`, message: 'the API wallet private key must be 64 hex digits (with or without 0x)' });
  }
  return { family, issues };
}

/** What is sealed for an Asterdex account: the family's fields and the family chosen. */
function asterCredentials(family: AuthFamily, credentials: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ASTER_AUTH_FIELDS[family]) out[name] = (credentials[name] ?? '').trim();
  out.authFamily = family;
  return out;
}

const accountCreateSchema = accountInputSchema.superRefine((body, ctx) => {
  for (const issue of paperAccountIssues(body)) ctx.addIssue({ code: 'custom', path: issue.path.split('.'), message: issue.message });
  if (body.venue !== 'asterdex') {
    if (body.authFamily !== undefined) ctx.addIssue({ code: 'custom', path: ['authFamily'], message: 'only Asterdex accounts choose an auth family; leave authFamily out' });
    return;
  }
  for (const issue of asterCredentialIssues(body.authFamily, body.credentials).issues) ctx.addIssue({ code: 'custom', path: issue.path.split('.'), message: issue.message });
});

// the feed of a live-data paper account is set once, at creation
const accountPatchSchema = accountInputSchema.partial().omit({ venue: true, feed: true });

export function accountRoutes(routes: Routes, storage: Storage, registry: VenueRegistry, bots: BotService): void {
  /** The account as the API shows it; an Asterdex account also says which API family its key uses. */
  const accountDto = async (a: Account): Promise<AccountDto> => {
    const dto = bots.accountDto(a);
    if (a.venue !== 'asterdex' || !a.hasCredentials) return dto;
    const stored = await storage.accounts.getCredentials(a.id);
    return stored === undefined ? dto : { ...dto, authFamily: asterAuthFamily(stored) };
  };

  routes.add({ method: 'GET', url: '/api/accounts', summary: 'Venue accounts (no secrets)', tag: 'accounts', response: 'AccountDto[]', handler: async () => Promise.all((await storage.accounts.list()).map(accountDto)) });

  routes.add({
    method: 'POST',
    url: '/api/accounts',
    summary: 'Add a venue account; credentials are encrypted and never shown again',
    tag: 'accounts',
    body: accountCreateSchema,
    response: 'AccountDto',
    handler: async ({ body, reply }) => {
      if (body.venue === 'sim') {
        // a paper account (checked by the body schema: never live, no keys): on the simulated
        // market, whose spot and perp markets it trades, or on a venue's live market data
        const account = await storage.accounts.create(
          body.feed === undefined
            ? { name: body.name, venue: 'sim', market: 'spot', live: false }
            : { name: body.name, venue: 'sim', market: body.market, live: false, ...(body.baseUrls === undefined ? {} : { baseUrls: body.baseUrls }), feed: body.feed },
        );
        reply.code(201);
        return accountDto(account);
      }
      let credentials: Readonly<Record<string, string>> = body.credentials;
      if (body.venue === 'asterdex') {
        // the body schema has checked that the credentials fit the family
        const family = asterCredentialIssues(body.authFamily, body.credentials).family!;
        credentials = asterCredentials(family, body.credentials);
      } else {
        checkCredentials(body.venue, body.credentials);
      }
      const account = await storage.accounts.create({
        name: body.name,
        venue: body.venue,
        market: body.market,
        live: body.live,
        ...(body.baseUrls === undefined ? {} : { baseUrls: body.baseUrls }),
        credentials,
      });
      reply.code(201);
      return accountDto(account);
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
      let credentials = body.credentials !== undefined && Object.keys(body.credentials).length > 0 ? body.credentials : undefined;
      if (current.venue === 'sim') {
        const issues = paperAccountIssues({ venue: 'sim', market: current.market, live: body.live ?? false, credentials: credentials ?? {}, baseUrls: body.baseUrls, feed: current.feed });
        if (issues.length > 0) throw validationError(issues);
      }
      if (current.venue === 'asterdex') credentials = await asterPatch(current, body.authFamily, credentials);
      else if (body.authFamily !== undefined) throw validationError([{ path: 'authFamily', message: 'only Asterdex accounts choose an auth family; leave authFamily out' }]);
      else if (credentials !== undefined) checkCredentials(current.venue as VenueName, credentials);
      const updated = await storage.accounts.update(params.id, {
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.live === undefined ? {} : { live: body.live }),
        ...(body.baseUrls === undefined ? {} : { baseUrls: body.baseUrls }),
        ...(credentials === undefined ? {} : { credentials }),
      });
      await registry.forget(params.id);
      bots.invalidateAccount(params.id);
      return accountDto(updated);
    },
  });

  /**
   * An Asterdex update: a new family, new credentials or both. Fields not typed again are kept
   * from the stored key while the family stays the same (the form leaves stored secrets empty);
   * a change of family needs that family's credentials in full.
   */
  async function asterPatch(current: Account, family: AuthFamily | undefined, credentials: Readonly<Record<string, string>> | undefined): Promise<Record<string, string> | undefined> {
    if (family === undefined && credentials === undefined) return undefined;
    const stored = current.hasCredentials ? await storage.accounts.getCredentials(current.id) : undefined;
    const storedFamily = stored === undefined ? undefined : asterAuthFamily(stored);
    const typed = credentials ?? {};
    const inferred = familyOfFields(typed);
    const chosen = family ?? (inferred === undefined ? storedFamily : inferred === 'mixed' ? undefined : inferred);
    const kept: Record<string, string> = {};
    if (chosen !== undefined && chosen === storedFamily && stored !== undefined) {
      for (const name of ASTER_AUTH_FIELDS[chosen]) if ((typed[name] ?? '').trim() === '' && stored[name] !== undefined) kept[name] = stored[name];
    }
    const merged = { ...kept, ...Object.fromEntries(Object.entries(typed).filter(([, v]) => v.trim() !== '')) };
    const { family: resolved, issues } = asterCredentialIssues(chosen, merged);
    if (issues.length > 0) throw validationError(issues);
    return asterCredentials(resolved!, merged);
  }

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
      const out: InstrumentDto[] = [];
      for (const market of marketsOf(account)) {
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
