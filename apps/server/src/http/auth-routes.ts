// First-run setup, login, logout and password change. No default credentials exist: the first
// visitor (or ADMIN_PASSWORD for unattended installs) sets the admin password.
import { EngineError, changePasswordInputSchema, loginInputSchema, setupInputSchema } from '@mm/core';
import type { SessionDto } from '@mm/core';
import type { Storage } from '@mm/storage';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { LoginLimiter } from '../auth/login-limiter.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import type { SessionStore } from '../auth/sessions.ts';
import type { Routes } from './route.ts';

export interface AuthDeps {
  readonly storage: Storage;
  readonly sessions: SessionStore;
  readonly limiter: LoginLimiter;
  readonly audit: (request: FastifyRequest, user: string, action: string, details?: Record<string, unknown>) => void;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: number): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: request.protocol === 'https',
    expires: new Date(expiresAt),
  });
}

async function startSession(deps: AuthDeps, request: FastifyRequest, reply: FastifyReply, user: { id: string; username: string }): Promise<SessionDto> {
  const { token, expiresAt } = await deps.sessions.create(user, request.ip, request.headers['user-agent']);
  setSessionCookie(request, reply, token, expiresAt);
  await deps.storage.users.recordLogin(user.id);
  return { username: user.username, expiresAt };
}

export function authRoutes(routes: Routes, deps: AuthDeps): void {
  routes.add({
    method: 'GET',
    url: '/api/setup',
    summary: 'Whether the admin password still has to be set',
    tag: 'auth',
    auth: false,
    handler: async () => ({ needsSetup: (await deps.storage.users.count()) === 0 }),
  });

  routes.add({
    method: 'POST',
    url: '/api/setup',
    summary: 'First run: set the admin password (and log in)',
    tag: 'auth',
    auth: false,
    body: setupInputSchema,
    response: 'SessionDto; sets the session cookie',
    handler: async ({ body, request, reply }) => {
      if ((await deps.storage.users.count()) > 0) throw new EngineError('CONFLICT', 'setup is already done; log in instead');
      const user = await deps.storage.users.create({ username: body.username, passwordHash: await hashPassword(body.password) });
      deps.audit(request, user.username, 'setup');
      return startSession(deps, request, reply, user);
    },
  });

  routes.add({
    method: 'POST',
    url: '/api/auth/login',
    summary: 'Log in with username and password',
    tag: 'auth',
    auth: false,
    body: loginInputSchema,
    response: 'SessionDto; sets the session cookie',
    handler: async ({ body, request, reply }) => {
      const key = request.ip;
      const wait = deps.limiter.waitMs(key);
      if (wait > 0) {
        const seconds = Math.ceil(wait / 1000);
        throw new EngineError('RATE_LIMITED', `too many failed logins; try again in ${seconds} s`, { details: { retryAfterSeconds: seconds } });
      }
      const creds = await deps.storage.users.credentialsFor(body.username);
      const ok = creds !== undefined && (await verifyPassword(body.password, creds.passwordHash));
      if (!ok || creds === undefined) {
        deps.limiter.recordFailure(key);
        deps.audit(request, body.username, 'login failed');
        throw new EngineError('UNAUTHENTICATED', 'wrong username or password');
      }
      deps.limiter.recordSuccess(key);
      deps.audit(request, creds.username, 'login');
      return startSession(deps, request, reply, { id: creds.id, username: creds.username });
    },
  });

  routes.add({
    method: 'POST',
    url: '/api/auth/logout',
    summary: 'End the session',
    tag: 'auth',
    handler: async ({ request, reply }) => {
      await deps.sessions.destroy(request.cookies[SESSION_COOKIE]);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return undefined;
    },
  });

  routes.add({
    method: 'GET',
    url: '/api/auth/me',
    summary: 'The logged-in user',
    tag: 'auth',
    response: 'SessionDto',
    handler: ({ session }) => ({ username: session!.username, expiresAt: session!.expiresAt }),
  });

  routes.add({
    method: 'POST',
    url: '/api/auth/password',
    summary: 'Change the password (other sessions are logged out)',
    tag: 'auth',
    body: changePasswordInputSchema,
    handler: async ({ body, session, request, reply }) => {
      const creds = await deps.storage.users.credentialsFor(session!.username);
      if (creds === undefined || !(await verifyPassword(body.currentPassword, creds.passwordHash))) {
        throw new EngineError('INVALID_ARGUMENT', 'the current password is wrong', { details: { fields: [{ path: 'currentPassword', message: 'wrong password' }] } });
      }
      await deps.storage.users.setPasswordHash(creds.id, await hashPassword(body.newPassword));
      await deps.sessions.destroyAllFor(creds.id);
      const { token, expiresAt } = await deps.sessions.create({ id: creds.id, username: creds.username }, request.ip, request.headers['user-agent']);
      setSessionCookie(request, reply, token, expiresAt);
      return undefined;
    },
  });
}

export const idParams = z.object({ id: z.string().min(1).max(64) });
