// Secrets in the settings (bot token, webhook URL and signing secret) never leave the server in
// clear. The API returns a masked copy; when the dashboard sends a form back with a mask still in
// a secret field, the stored secret is kept, so editing the chat list does not erase the token.
import type { z } from 'zod';
import { notificationSettingsSchema, type NotificationSettings } from './settings.ts';

const MASK = '****';

/** `****` followed by the last 4 characters; empty stays empty. */
export function maskSecret(secret: string): string {
  if (secret === '') return '';
  return secret.length <= 8 ? MASK : `${MASK}${secret.slice(-4)}`;
}

export function isMaskedSecret(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith(MASK);
}

/** A webhook URL keeps its origin (so a person recognises it) and hides its path and query. */
export function maskUrl(url: string): string {
  if (url === '') return '';
  try {
    const parsed = new URL(url);
    const rest = url.slice(parsed.origin.length);
    return rest === '' || rest === '/' ? parsed.origin : `${parsed.origin}/${maskSecret(rest)}`;
  } catch {
    return maskSecret(url);
  }
}

function isMaskedUrl(value: unknown, current: string): boolean {
  return typeof value === 'string' && value !== '' && value === maskUrl(current) && value !== current;
}

export interface RedactedNotificationSettings extends Omit<NotificationSettings, 'telegram' | 'webhook'> {
  readonly telegram: Omit<NotificationSettings['telegram'], 'botToken'> & {
    /** `****` + last 4 characters, or '' when no token is stored. */
    readonly botToken: string;
    readonly botTokenSet: boolean;
  };
  readonly webhook: Omit<NotificationSettings['webhook'], 'url' | 'secret'> & {
    readonly url: string;
    readonly secret: string;
    readonly secretSet: boolean;
  };
}

/** The view the API returns and the dashboard shows. */
export function redactSettings(settings: NotificationSettings): RedactedNotificationSettings {
  return {
    ...settings,
    telegram: { ...settings.telegram, botToken: maskSecret(settings.telegram.botToken), botTokenSet: settings.telegram.botToken !== '' },
    webhook: {
      ...settings.webhook,
      url: maskUrl(settings.webhook.url),
      secret: maskSecret(settings.webhook.secret),
      secretSet: settings.webhook.secret !== '',
    },
  };
}

export type SettingsUpdateResult =
  | { readonly ok: true; readonly settings: NotificationSettings }
  | { readonly ok: false; readonly message: string; readonly issues: readonly { readonly path: string; readonly message: string }[] };

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * Validates settings sent by the API or dashboard. A secret field that is absent or still holds
 * its mask keeps the stored value; an empty string clears it.
 */
export function applySettingsInput(input: unknown, current: NotificationSettings): SettingsUpdateResult {
  const body = record(input);
  if (body === undefined) return { ok: false, message: 'settings must be a JSON object', issues: [] };
  const telegram = { ...record(body['telegram']) };
  if (!('botToken' in telegram) || isMaskedSecret(telegram['botToken'])) telegram['botToken'] = current.telegram.botToken;
  delete telegram['botTokenSet'];
  const webhook = { ...record(body['webhook']) };
  if (!('url' in webhook) || isMaskedUrl(webhook['url'], current.webhook.url)) webhook['url'] = current.webhook.url;
  if (!('secret' in webhook) || isMaskedSecret(webhook['secret'])) webhook['secret'] = current.webhook.secret;
  delete webhook['secretSet'];
  const parsed = notificationSettingsSchema.safeParse({ ...body, telegram, webhook });
  if (parsed.success) return { ok: true, settings: parsed.data };
  return { ok: false, ...describeIssues(parsed.error) };
}

/** Zod issues as the API reports them: `path: message`, joined for logs and one list for forms. */
export function describeIssues(error: z.ZodError): { message: string; issues: { path: string; message: string }[] } {
  const issues = error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
  const message = issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; ');
  return { message, issues };
}

/** Removes a secret from text that is about to be logged or shown (error descriptions, URLs). */
export function scrubSecret(text: string, ...secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(maskSecret(secret));
  }
  return out;
}
