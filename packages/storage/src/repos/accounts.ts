// Venue accounts. Credentials go in as plaintext and are sealed before they reach SQL; no read
// here returns them except getCredentials, which exists for the venue factory alone.
import { randomUUID } from 'node:crypto';
import { asc, count, eq } from 'drizzle-orm';
import { EngineError } from '@mm/core';
import type { AccountFeed } from '@mm/core';
import type { StorageContext } from '../context.ts';
import { credentialsHint, openCredentials, sealCredentials, validateCredentials } from '../crypto/credentials.ts';
import type { Credentials } from '../crypto/credentials.ts';
import { bots, venueAccounts } from '../schema.ts';

export type Market = 'spot' | 'perp';

export interface Account {
  readonly id: string;
  readonly name: string;
  readonly venue: string;
  readonly market: Market;
  readonly live: boolean;
  readonly baseUrls: Readonly<Record<string, string>>;
  /** A paper account on live market data: whose public streams feed it (set once, at creation). */
  readonly feed: AccountFeed | undefined;
  readonly hasCredentials: boolean;
  /** e.g. "apiKey ****a1b2 (+ secret)"; never enough to use. */
  readonly credentialsHint: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewAccount {
  /** Defaults to a random uuid; the built-in paper account uses "paper". */
  readonly id?: string;
  readonly name: string;
  readonly venue: string;
  readonly market: Market;
  readonly live?: boolean;
  readonly baseUrls?: Readonly<Record<string, string>>;
  readonly feed?: AccountFeed;
  readonly credentials?: Credentials;
}

export interface AccountPatch {
  readonly name?: string;
  readonly venue?: string;
  readonly market?: Market;
  readonly live?: boolean;
  readonly baseUrls?: Readonly<Record<string, string>>;
  /** New credentials replace the old ones; null removes them. */
  readonly credentials?: Credentials | null;
}

// every column except credentials_enc: the sealed value never leaves through a listing
const publicColumns = {
  id: venueAccounts.id,
  name: venueAccounts.name,
  venue: venueAccounts.venue,
  market: venueAccounts.market,
  live: venueAccounts.live,
  baseUrls: venueAccounts.baseUrls,
  feed: venueAccounts.feed,
  credentialsHint: venueAccounts.credentialsHint,
  createdAt: venueAccounts.createdAt,
  updatedAt: venueAccounts.updatedAt,
};

type PublicRow = { [K in keyof typeof publicColumns]: (typeof venueAccounts.$inferSelect)[K] };

function toAccount(row: PublicRow): Account {
  return {
    id: row.id,
    name: row.name,
    venue: row.venue,
    market: row.market as Market,
    live: row.live,
    baseUrls: row.baseUrls,
    feed: row.feed ?? undefined,
    hasCredentials: row.credentialsHint !== null,
    credentialsHint: row.credentialsHint ?? undefined,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
  };
}

function checkMarket(market: string): void {
  if (market !== 'spot' && market !== 'perp') throw new EngineError('INVALID_ARGUMENT', `market must be "spot" or "perp", got "${market}"`);
}

function checkBaseUrls(urls: Readonly<Record<string, string>>): void {
  for (const [name, url] of Object.entries(urls)) {
    try {
      const u = new URL(url);
      if (!['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol)) throw new Error('protocol');
    } catch {
      throw new EngineError('INVALID_ARGUMENT', `base URL ${name} ("${url}") must be an http(s) or ws(s) URL`);
    }
  }
}

export class AccountsRepo {
  constructor(private readonly ctx: StorageContext) {}

  async create(input: NewAccount): Promise<Account> {
    const id = input.id ?? randomUUID();
    if (input.name.trim() === '') throw new EngineError('INVALID_ARGUMENT', 'account name must not be empty');
    checkMarket(input.market);
    checkBaseUrls(input.baseUrls ?? {});
    if (input.credentials !== undefined) validateCredentials(input.credentials);
    const now = new Date();
    const rows = await this.ctx
      .run('create account', (db) =>
        db
          .insert(venueAccounts)
          .values({
            id,
            name: input.name.trim(),
            venue: input.venue,
            market: input.market,
            live: input.live ?? false,
            baseUrls: { ...input.baseUrls },
            feed: input.feed ?? null,
            credentialsEnc: input.credentials === undefined ? null : sealCredentials(this.ctx.masterKey, id, input.credentials),
            credentialsHint: input.credentials === undefined ? null : credentialsHint(input.credentials),
            createdAt: now,
            updatedAt: now,
          })
          .returning(publicColumns),
      )
      .catch((error: unknown) => {
        if (error instanceof EngineError && error.code === 'CONFLICT') {
          throw new EngineError('CONFLICT', `an account with this id or the name "${input.name.trim()}" already exists`);
        }
        throw error;
      });
    return toAccount(rows[0]!);
  }

  async update(id: string, patch: AccountPatch): Promise<Account> {
    if (patch.market !== undefined) checkMarket(patch.market);
    if (patch.baseUrls !== undefined) checkBaseUrls(patch.baseUrls);
    if (patch.credentials !== undefined && patch.credentials !== null) validateCredentials(patch.credentials);
    if (patch.name !== undefined && patch.name.trim() === '') throw new EngineError('INVALID_ARGUMENT', 'account name must not be empty');
    const set: Partial<typeof venueAccounts.$inferInsert> = { updatedAt: new Date() };
    if (patch.name !== undefined) set.name = patch.name.trim();
    if (patch.venue !== undefined) set.venue = patch.venue;
    if (patch.market !== undefined) set.market = patch.market;
    if (patch.live !== undefined) set.live = patch.live;
    if (patch.baseUrls !== undefined) set.baseUrls = { ...patch.baseUrls };
    if (patch.credentials === null) {
      set.credentialsEnc = null;
      set.credentialsHint = null;
    } else if (patch.credentials !== undefined) {
      set.credentialsEnc = sealCredentials(this.ctx.masterKey, id, patch.credentials);
      set.credentialsHint = credentialsHint(patch.credentials);
    }
    const rows = await this.ctx.run('update account', (db) => db.update(venueAccounts).set(set).where(eq(venueAccounts.id, id)).returning(publicColumns));
    if (rows[0] === undefined) throw new EngineError('NOT_FOUND', `no venue account with id ${id}`);
    if (patch.venue !== undefined) this.ctx.directory.clear();
    return toAccount(rows[0]);
  }

  async get(id: string): Promise<Account | undefined> {
    const [row] = await this.ctx.run('read account', (db) => db.select(publicColumns).from(venueAccounts).where(eq(venueAccounts.id, id)));
    return row === undefined ? undefined : toAccount(row);
  }

  async list(): Promise<Account[]> {
    const rows = await this.ctx.run('list accounts', (db) => db.select(publicColumns).from(venueAccounts).orderBy(asc(venueAccounts.name)));
    return rows.map(toAccount);
  }

  /** Decrypted credentials, for building a venue client. Never send them to a client or a log. */
  async getCredentials(id: string): Promise<Credentials | undefined> {
    const [row] = await this.ctx.run('read credentials', (db) =>
      db.select({ enc: venueAccounts.credentialsEnc }).from(venueAccounts).where(eq(venueAccounts.id, id)),
    );
    if (row === undefined) throw new EngineError('NOT_FOUND', `no venue account with id ${id}`);
    return row.enc === null ? undefined : openCredentials(this.ctx.masterKey, id, row.enc);
  }

  /** Refused while a bot (archived or not) still refers to the account. */
  async delete(id: string): Promise<boolean> {
    const [used] = await this.ctx.run('check account use', (db) => db.select({ n: count() }).from(bots).where(eq(bots.accountId, id)));
    if ((used?.n ?? 0) > 0) throw new EngineError('CONFLICT', `account ${id} is used by ${used!.n} bot(s); move or archive them first`);
    const rows = await this.ctx.run('delete account', (db) => db.delete(venueAccounts).where(eq(venueAccounts.id, id)).returning({ id: venueAccounts.id }));
    return rows.length > 0;
  }
}
