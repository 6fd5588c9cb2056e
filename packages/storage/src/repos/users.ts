// Dashboard users. Storage keeps the password hash the server computed; it never sees a password.
import { asc, count, eq } from 'drizzle-orm';
import { EngineError } from '@mm/core';
import type { StorageContext } from '../context.ts';
import { users } from '../schema.ts';

export interface User {
  readonly id: string;
  readonly username: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly lastLoginAt: number | undefined;
}

/** Only for verifying a login: the one read that returns the hash. */
export interface UserCredentials {
  readonly id: string;
  readonly username: string;
  readonly passwordHash: string;
}

type Row = typeof users.$inferSelect;

function toUser(row: Row): User {
  return {
    id: row.id,
    username: row.username,
    createdAt: row.createdAt.getTime(),
    updatedAt: row.updatedAt.getTime(),
    lastLoginAt: row.lastLoginAt?.getTime(),
  };
}

export class UsersRepo {
  constructor(private readonly ctx: StorageContext) {}

  async create(input: { username: string; passwordHash: string }): Promise<User> {
    const username = input.username.trim();
    if (username === '') throw new EngineError('INVALID_ARGUMENT', 'username must not be empty');
    if (input.passwordHash === '') throw new EngineError('INVALID_ARGUMENT', 'passwordHash must not be empty');
    const now = new Date();
    try {
      const [row] = await this.ctx.run('create user', (db) =>
        db.insert(users).values({ username, passwordHash: input.passwordHash, createdAt: now, updatedAt: now }).returning(),
      );
      return toUser(row!);
    } catch (error) {
      if (error instanceof EngineError && error.code === 'CONFLICT') throw new EngineError('CONFLICT', `the username "${username}" is taken`);
      throw error;
    }
  }

  async get(id: string): Promise<User | undefined> {
    const [row] = await this.ctx.run('read user', (db) => db.select().from(users).where(eq(users.id, id)));
    return row === undefined ? undefined : toUser(row);
  }

  async getByUsername(username: string): Promise<User | undefined> {
    const [row] = await this.ctx.run('read user', (db) => db.select().from(users).where(eq(users.username, username.trim())));
    return row === undefined ? undefined : toUser(row);
  }

  async credentialsFor(username: string): Promise<UserCredentials | undefined> {
    const [row] = await this.ctx.run('read user', (db) =>
      db.select({ id: users.id, username: users.username, passwordHash: users.passwordHash }).from(users).where(eq(users.username, username.trim())),
    );
    return row;
  }

  async list(): Promise<User[]> {
    const rows = await this.ctx.run('list users', (db) => db.select().from(users).orderBy(asc(users.username)));
    return rows.map(toUser);
  }

  /** 0 means first run: the server must ask for an admin password before anything else. */
  async count(): Promise<number> {
    const [row] = await this.ctx.run('count users', (db) => db.select({ n: count() }).from(users));
    return row?.n ?? 0;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    const rows = await this.ctx.run('update password', (db) =>
      db.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, id)).returning({ id: users.id }),
    );
    if (rows.length === 0) throw new EngineError('NOT_FOUND', `no user with id ${id}`);
  }

  async recordLogin(id: string, at = Date.now()): Promise<void> {
    await this.ctx.run('record login', (db) => db.update(users).set({ lastLoginAt: new Date(at) }).where(eq(users.id, id)));
  }

  async delete(id: string): Promise<boolean> {
    const rows = await this.ctx.run('delete user', (db) => db.delete(users).where(eq(users.id, id)).returning({ id: users.id }));
    return rows.length > 0;
  }
}
