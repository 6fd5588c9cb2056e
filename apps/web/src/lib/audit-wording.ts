// One audit entry as a sentence. The server writes it (details.summary: "admin stopped bot
// “Demo DEMOUSDT”"); entries from before it did, and the Telegram commands, are worded here from
// their action and details. The raw request stays available: rawFields().
import type { AuditDto } from '@mm/core';

const TELEGRAM_VERBS: Readonly<Record<string, string>> = {
  pause: 'paused',
  resume: 'resumed',
  stop: 'stopped',
  cancelall: 'cancelled every order of',
};

function str(details: AuditDto['details'], key: string): string | undefined {
  const v = details?.[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Who did what to which bot, in words; botNames names the target of an entry that only has an id. */
export function auditSentence(a: AuditDto, botNames: ReadonlyMap<string, string>): string {
  const summary = str(a.details, 'summary');
  if (summary !== undefined) return summary;
  if (a.action === 'login') return `${a.user} logged in`;
  if (a.action === 'login failed') return `a login as “${a.user}” failed`;
  if (a.action === 'setup') return `${a.user} set up the dashboard (first administrator)`;
  if (a.action.startsWith('telegram.')) {
    const command = a.action.slice('telegram.'.length);
    const outcome = str(a.details, 'outcome');
    const bot = str(a.details, 'bot');
    const verb = TELEGRAM_VERBS[command];
    if (verb !== undefined && bot !== undefined && outcome === 'ok') return `${a.user} ${verb} bot “${bot}” from Telegram`;
    return `${a.user} sent /${command.replace(/_/g, ' ')} from Telegram${outcome === undefined || outcome === 'ok' ? '' : ` (${outcome.replace(/_/g, ' ')})`}`;
  }
  const name = a.target === undefined ? undefined : botNames.get(a.target);
  return `${a.user}: ${a.action}${name === undefined ? '' : ` on bot “${name}”`}`;
}

/** An HTTP status at or above 400: the request was refused. */
export function auditRefused(a: AuditDto): boolean {
  const status = a.details?.['status'];
  return typeof status === 'number' && status >= 400;
}

/** The raw request behind the sentence, for the expandable row: label → value. */
export function rawFields(a: AuditDto): [label: string, value: string][] {
  const details = { ...a.details };
  const method = str(details, 'method');
  const route = str(details, 'route');
  const fields: [string, string][] = [];
  fields.push(['Request', method !== undefined && route !== undefined ? `${method} ${route}` : a.action]);
  if (typeof details['status'] === 'number') fields.push(['Status', String(details['status'])]);
  if (a.target !== undefined) fields.push(['Target', a.target]);
  fields.push(['User', a.user]);
  fields.push(['Address', a.ip ?? '—']);
  // what the sentence and the fields above say already
  for (const key of ['summary', 'method', 'route', 'status', 'botName', 'accountName']) delete details[key];
  if (Object.keys(details).length > 0) fields.push(['Details', JSON.stringify(details)]);
  return fields;
}
