// Sessions: a random 256-bit token in an HttpOnly, SameSite=Strict cookie; only its SHA-256 is
// stored, so a database dump cannot log anyone in. Sessions expire after a fixed lifetime and
// after a period without use.
import { createHash, randomBytes } from 'node:crypto';
import type { Storage } from '@mm/storage';

export const SESSION_COOKIE = 'mm_session';

export interface SessionPolicy {
  readonly ttlMs: number;
  readonly idleMs: number;
}

export interface ActiveSession {
  readonly id: string;
  readonly userId: string;
  readonly username: string;
  readonly expiresAt: number;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class SessionStore {
  constructor(
    private readonly storage: Storage,
    private readonly policy: SessionPolicy,
  ) {}

  async create(user: { id: string; username: string }, ip: string | undefined, userAgent: string | undefined): Promise<{ token: string; expiresAt: number }> {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    const expiresAt = now + this.policy.ttlMs;
    await this.storage.sessions.create({
      userId: user.id,
      tokenHash: hashToken(token),
      expiresAt,
      ...(ip === undefined ? {} : { ip }),
      ...(userAgent === undefined ? {} : { userAgent: userAgent.slice(0, 256) }),
    });
    return { token, expiresAt };
  }

  /** The session for a token, if valid and not idle for too long; refreshes its last use. */
  async resolve(token: string | undefined): Promise<ActiveSession | undefined> {
    if (token === undefined || token.length < 20 || token.length > 128) return undefined;
    const now = Date.now();
    const session = await this.storage.sessions.findValid(hashToken(token), now);
    if (session === undefined) return undefined;
    const lastSeen = session.lastSeenAt ?? session.createdAt;
    if (now - lastSeen > this.policy.idleMs) {
      await this.storage.sessions.deleteByTokenHash(hashToken(token));
      return undefined;
    }
    // refresh the idle timer at most once a minute
    if (now - lastSeen > 60_000) await this.storage.sessions.touch(session.id, now);
    return { id: session.id, userId: session.userId, username: session.username, expiresAt: session.expiresAt };
  }

  async destroy(token: string | undefined): Promise<void> {
    if (token !== undefined) await this.storage.sessions.deleteByTokenHash(hashToken(token));
  }

  async destroyAllFor(userId: string): Promise<void> {
    await this.storage.sessions.deleteForUser(userId);
  }
}
