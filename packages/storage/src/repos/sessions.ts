// Login sessions. The server hands out a random token and stores only its hash (sha-256 is
// enough for a 256-bit random token); a dump of this table logs nobody in.
import { and, eq, gt, lte } from 'drizzle-orm';
import type { StorageContext } from '../context.ts';
import { sessions, users } from '../schema.ts';

export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly username: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly lastSeenAt: number | undefined;
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
}

export interface NewSession {
  readonly tokenHash: string;
  readonly userId: string;
  readonly expiresAt: number;
  readonly ip?: string;
  readonly userAgent?: string;
  readonly now?: number;
}

export class SessionsRepo {
  constructor(private readonly ctx: StorageContext) {}

  async create(input: NewSession): Promise<string> {
    const [row] = await this.ctx.run('create session', (db) =>
      db
        .insert(sessions)
        .values({
          tokenHash: input.tokenHash,
          userId: input.userId,
          createdAt: new Date(input.now ?? Date.now()),
          expiresAt: new Date(input.expiresAt),
          ip: input.ip ?? null,
          userAgent: input.userAgent ?? null,
        })
        .returning({ id: sessions.id }),
    );
    return row!.id;
  }

  /** The unexpired session for a token hash, with its user. */
  async findValid(tokenHash: string, now = Date.now()): Promise<Session | undefined> {
    const [row] = await this.ctx.run('read session', (db) =>
      db
        .select({ s: sessions, username: users.username })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, new Date(now)))),
    );
    if (row === undefined) return undefined;
    return {
      id: row.s.id,
      userId: row.s.userId,
      username: row.username,
      createdAt: row.s.createdAt.getTime(),
      expiresAt: row.s.expiresAt.getTime(),
      lastSeenAt: row.s.lastSeenAt?.getTime(),
      ip: row.s.ip ?? undefined,
      userAgent: row.s.userAgent ?? undefined,
    };
  }

  /** Marks activity and optionally slides the expiry. */
  async touch(id: string, now = Date.now(), expiresAt?: number): Promise<void> {
    await this.ctx.run('touch session', (db) =>
      db
        .update(sessions)
        .set({ lastSeenAt: new Date(now), ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt) }) })
        .where(eq(sessions.id, id)),
    );
  }

  async deleteByTokenHash(tokenHash: string): Promise<boolean> {
    const rows = await this.ctx.run('delete session', (db) => db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).returning({ id: sessions.id }));
    return rows.length > 0;
  }

  /** Logs a user out everywhere (password change, compromise). */
  async deleteForUser(userId: string): Promise<number> {
    const rows = await this.ctx.run('delete sessions', (db) => db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id }));
    return rows.length;
  }

  async deleteExpired(now = Date.now()): Promise<number> {
    const rows = await this.ctx.run('delete expired sessions', (db) => db.delete(sessions).where(lte(sessions.expiresAt, new Date(now))).returning({ id: sessions.id }));
    return rows.length;
  }
}
