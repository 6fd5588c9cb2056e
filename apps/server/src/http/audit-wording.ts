// The audit trail in words: "admin stopped bot “Demo DEMOUSDT”". The onResponse hook (app.ts)
// turns each state-changing request into one sentence, stored as details.summary next to the raw
// request (the entry's action "POST /api/bots/:id/actions/:action", target id, details.status),
// which stays there for anyone who needs the exact call.
import type { BotAction } from '@mm/core';

/** What a request was done to, as the audit names it. */
export interface AuditSubject {
  readonly kind: 'bot' | 'account';
  readonly id: string;
  /** Its name when the request came in (a deleted or renamed one keeps the name it had). */
  readonly name: string | undefined;
}

export interface AuditedRequest {
  readonly user: string;
  readonly method: string;
  /** The route pattern, e.g. /api/bots/:id/actions/:action. */
  readonly route: string;
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
  readonly status: number;
  readonly subject: AuditSubject | undefined;
}

/** The infinitive (for "tried to …") and the past tense of a verb phrase. */
interface Phrase {
  readonly base: string;
  readonly done: string;
  readonly object: string;
  /** A second verb phrase after the object, in both forms: "and close(d) its position". */
  readonly then?: readonly [base: string, done: string];
  readonly extra?: string;
}

const ACTION_VERBS: Readonly<Record<BotAction, readonly [base: string, done: string]>> = {
  start: ['start', 'started'],
  stop: ['stop', 'stopped'],
  pause: ['pause', 'paused'],
  resume: ['resume', 'resumed'],
  'cancel-all': ['cancel every order of', 'cancelled every order of'],
  kill: ['pull the kill switch on', 'pulled the kill switch on'],
  'reset-halt': ['reset the halt of', 'reset the halt of'],
  'close-position': ['close the position of', 'closed the position of'],
};

/** Which bot or account a route acts on (its :id), if any. */
export function subjectKind(route: string): AuditSubject['kind'] | undefined {
  if (route.startsWith('/api/bots/:id')) return 'bot';
  if (route.startsWith('/api/accounts/:id')) return 'account';
  return undefined;
}

function quoted(name: string): string {
  return `“${name}”`;
}

function named(kind: AuditSubject['kind'], subject: AuditSubject | undefined, fallbackId: string | undefined): string {
  if (subject?.name !== undefined) return `${kind} ${quoted(subject.name)}`;
  const id = subject?.id ?? fallbackId;
  return id === undefined ? `a ${kind}` : `${kind} ${id}`;
}

function field(body: unknown, key: string): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}

function text(body: unknown, key: string): string | undefined {
  const value = field(body, key);
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 200) : undefined;
}

/** "(reduce-only, ≤ 0.5 % slippage)" from a body's closePosition; undefined when it asks no close. */
function closeTerms(body: unknown): string | undefined {
  const close = field(body, 'closePosition');
  if (close === undefined) return undefined;
  const pct = field(close, 'maxSlippagePct');
  return typeof pct === 'number' && Number.isFinite(pct) ? `(reduce-only, ≤ ${pct} % slippage)` : '(reduce-only)';
}

function phrase(r: AuditedRequest): Phrase | undefined {
  const bot = () => named('bot', r.subject, r.params.id);
  const account = () => named('account', r.subject, r.params.id);
  const reason = text(r.body, 'reason');
  const because = reason === undefined ? undefined : `(reason: ${reason})`;
  switch (`${r.method} ${r.route}`) {
    case 'POST /api/bots': {
      const name = text(r.body, 'name');
      return { base: 'create', done: 'created', object: name === undefined ? 'a bot' : `bot ${quoted(name)}` };
    }
    case 'POST /api/bots/validate':
      return { base: 'check', done: 'checked', object: 'a bot config (not saved)' };
    case 'PUT /api/bots/:id': {
      const renamed = text(r.body, 'name');
      const extra = renamed !== undefined && r.subject?.name !== undefined && renamed !== r.subject.name ? `(now named ${quoted(renamed)})` : undefined;
      return { base: 'change the config of', done: 'changed the config of', object: bot(), ...(extra === undefined ? {} : { extra }) };
    }
    case 'DELETE /api/bots/:id':
      return { base: 'delete', done: 'deleted', object: bot() };
    case 'POST /api/bots/:id/actions/:action': {
      const verbs = ACTION_VERBS[r.params.action as BotAction];
      if (verbs === undefined) return undefined;
      const terms = closeTerms(r.body);
      const extra = [terms, because].filter((t) => t !== undefined).join(' ');
      // a stop that closes the position says so; close-position's verb says it already
      const then = r.params.action === 'stop' && terms !== undefined ? ({ then: ['and close its position', 'and closed its position'] } as const) : {};
      return { base: verbs[0], done: verbs[1], object: bot(), ...then, ...(extra === '' ? {} : { extra }) };
    }
    case 'POST /api/bots/actions/:action': {
      const verbs = ACTION_VERBS[r.params.action as BotAction];
      if (verbs === undefined) return undefined;
      return { base: verbs[0], done: verbs[1], object: 'every bot', ...(because === undefined ? {} : { extra: because }) };
    }
    case 'POST /api/accounts': {
      const name = text(r.body, 'name');
      const venue = text(r.body, 'venue');
      return { base: 'create', done: 'created', object: name === undefined ? 'an account' : `account ${quoted(name)}`, ...(venue === undefined ? {} : { extra: `on ${venue}` }) };
    }
    case 'PUT /api/accounts/:id': {
      const credentials = field(r.body, 'credentials');
      const withKeys = typeof credentials === 'object' && credentials !== null && Object.keys(credentials).length > 0;
      return { base: 'change', done: 'changed', object: account(), ...(withKeys ? { extra: 'and its API credentials' } : {}) };
    }
    case 'DELETE /api/accounts/:id':
      return { base: 'delete', done: 'deleted', object: account() };
    case 'POST /api/accounts/:id/test':
      return { base: 'test the connection of', done: 'tested the connection of', object: account() };
    case 'POST /api/auth/logout':
      return { base: 'log out', done: 'logged out', object: '' };
    case 'POST /api/auth/password':
      return { base: 'change', done: 'changed', object: 'their password' };
    case 'PUT /api/settings': {
      const sections = typeof r.body === 'object' && r.body !== null ? Object.keys(r.body).filter((k) => (r.body as Record<string, unknown>)[k] !== undefined) : [];
      return { base: 'change', done: 'changed', object: 'the settings', ...(sections.length === 0 ? {} : { extra: `(${sections.join(', ')})` }) };
    }
    case 'POST /api/settings/telegram/test':
      return { base: 'test', done: 'tested', object: 'the Telegram connection' };
    default:
      return undefined;
  }
}

/** One sentence: who did what to which bot or account, and whether it was refused. */
export function describeRequest(r: AuditedRequest): string {
  const p = phrase(r);
  if (p === undefined) return `${r.user} called ${r.method} ${r.route}${r.status >= 400 ? ` (refused: ${r.status})` : ''}`;
  const refused = r.status >= 400;
  const tail = [p.object, p.then?.[refused ? 0 : 1], p.extra].filter((s) => s !== undefined && s !== '').join(' ');
  const sentence = (verb: string) => [r.user, verb, tail].filter((s) => s !== '').join(' ');
  return refused ? `${sentence(`tried to ${p.base}`)} (refused: ${r.status})` : sentence(p.done);
}

/** The sign-in events auth-routes records itself (there is no session yet when they happen). */
export function describeAuth(user: string, action: string): string {
  switch (action) {
    case 'login':
      return `${user} logged in`;
    case 'login failed':
      return `a login as ${quoted(user)} failed`;
    case 'setup':
      return `${user} set up the dashboard (first administrator)`;
    default:
      return `${user}: ${action}`;
  }
}
