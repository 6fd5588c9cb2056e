// Notification settings, validated by the same schema in the API, the dashboard and here.
// Descriptions are written for the dashboard, which renders them as help text.
import { EVENT_MODES, MESSAGE_KINDS, WEBHOOK_FORMATS, isValidTimeZone } from '@mm/core';
import type { EventMode, MessageKind } from '@mm/core';
import { z } from 'zod';

export { EVENT_MODES, type EventMode };

/** BotFather tokens look like `123456789:AA...` (bot id, colon, 35 url-safe characters). */
export const BOT_TOKEN_PATTERN = /^\d{3,20}:[A-Za-z0-9_-]{20,100}$/;
/** Numeric chat ids only: commands are authorised by id, and a @username can change hands. */
const CHAT_ID_PATTERN = /^-?\d{1,20}$/;

export const DEFAULT_TELEGRAM_API_BASE = 'https://api.telegram.org';

/** Alerts that need a person ring; routine lifecycle and statistics arrive silently. */
export const DEFAULT_EVENT_MODES: Readonly<Record<MessageKind, EventMode>> = {
  bot_started: 'silent',
  bot_stopped: 'on',
  bot_paused: 'silent',
  bot_resumed: 'silent',
  bot_error: 'on',
  risk_trip: 'on',
  kill_switch: 'on',
  fill_summary: 'silent',
  daily_summary: 'silent',
  connection_lost: 'on',
  connection_restored: 'silent',
};

/** Shared by the API base and the webhook URL (which may also be empty, so it needs the bare check). */
function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const HTTP_URL_MESSAGE = 'must be an http:// or https:// URL';

const eventModeSchema = z.enum(EVENT_MODES);

const eventsShape = Object.fromEntries(
  MESSAGE_KINDS.map((kind) => [kind, eventModeSchema.default(DEFAULT_EVENT_MODES[kind])]),
) as Record<MessageKind, z.ZodDefault<typeof eventModeSchema>>;

export const telegramSettingsSchema = z
  .object({
    enabled: z.boolean().default(false).meta({ description: 'Send alerts to Telegram and accept commands from the allowed chats.' }),
    botToken: z
      .string()
      .trim()
      .default('')
      .refine((v) => v === '' || BOT_TOKEN_PATTERN.test(v), 'does not look like a bot token from @BotFather (digits, a colon, then letters)')
      .meta({ description: 'Token from @BotFather. Secret: stored, never shown again (the API returns only its last 4 characters).' }),
    chatIds: z
      .array(z.string().trim().regex(CHAT_ID_PATTERN, 'must be a numeric chat id such as 123456789 or -1001234567890'))
      .max(20, 'at most 20 chats')
      .default([])
      .meta({ description: 'Chats that receive alerts and may send commands. Groups have negative ids. Anyone else is ignored.' }),
    apiBase: z
      .string()
      .trim()
      .refine(isHttpUrl, HTTP_URL_MESSAGE)
      .meta({ description: 'Telegram Bot API base URL; change it only for a local Bot API server or a test fake.' })
      .default(DEFAULT_TELEGRAM_API_BASE),
    commands: z.boolean().default(true).meta({ description: 'Accept commands (/status, /pause, /kill...) from the allowed chats.' }),
  })
  .superRefine((t, ctx) => {
    if (!t.enabled) return;
    if (t.botToken === '') ctx.addIssue({ code: 'custom', path: ['botToken'], message: 'a bot token is needed to enable Telegram' });
    if (t.chatIds.length === 0) ctx.addIssue({ code: 'custom', path: ['chatIds'], message: 'add at least one chat id to enable Telegram' });
  })
  .meta({ description: 'Telegram alerts and remote control.' });

export const webhookSettingsSchema = z
  .object({
    enabled: z.boolean().default(false).meta({ description: 'POST every enabled event as JSON to a URL (Discord, Slack, your own tools).' }),
    url: z
      .string()
      .trim()
      .default('')
      .refine((v) => v === '' || isHttpUrl(v), HTTP_URL_MESSAGE)
      .meta({ description: 'Where to POST. Treated as a secret: Discord and Slack webhook URLs carry their own token.' }),
    format: z
      .enum(WEBHOOK_FORMATS)
      .default('json')
      .meta({ description: 'json: the full event envelope; slack: {"text"}; discord: {"content"}.' }),
    secret: z
      .string()
      .default('')
      .meta({ description: 'Optional shared secret: each request is signed with HMAC-SHA256 in the X-MM-Signature header.' }),
  })
  .superRefine((w, ctx) => {
    if (w.enabled && w.url === '') ctx.addIssue({ code: 'custom', path: ['url'], message: 'a URL is needed to enable the webhook' });
  })
  .meta({ description: 'Generic webhook with the same event settings.' });

export const dailySummarySettingsSchema = z
  .object({
    enabled: z.boolean().default(false).meta({ description: 'Send one summary per day: PnL, volume vs target, fees and inventory of every bot.' }),
    hour: z.number().int('a whole hour').min(0, 'an hour from 0 to 23').max(23, 'an hour from 0 to 23').default(20).meta({ description: 'Local hour (0–23) at which it is sent.' }),
    timezone: z
      .string()
      .trim()
      .default('UTC')
      .refine(isValidTimeZone, 'unknown time zone; use an IANA name such as Europe/Berlin or UTC')
      .meta({ description: 'IANA time zone of that hour, e.g. Europe/Berlin.' }),
  })
  .meta({ description: 'Daily summary.' });

export const notificationSettingsSchema = z
  .object({
    telegram: telegramSettingsSchema.prefault({}),
    webhook: webhookSettingsSchema.prefault({}),
    events: z
      .object(eventsShape)
      .prefault({})
      .meta({ description: 'Per kind of message: on (with sound), silent (delivered without a notification sound) or off.' }),
    fillSummaryIntervalMs: z
      .number()
      .int('a whole number of milliseconds')
      .min(10_000, 'at least 10 s')
      .max(86_400_000, 'at most 24 h')
      .default(300_000)
      .meta({ description: 'Fills are summed per bot over this interval and sent as one message.' }),
    dailySummary: dailySummarySettingsSchema.prefault({}),
  })
  .meta({ description: 'Notifications: Telegram, webhook, which events, fill summaries and the daily summary.' });

export type NotificationSettings = z.output<typeof notificationSettingsSchema>;
export type NotificationSettingsInput = z.input<typeof notificationSettingsSchema>;
export type TelegramSettings = NotificationSettings['telegram'];
export type WebhookSettings = NotificationSettings['webhook'];
export type DailySummarySettings = NotificationSettings['dailySummary'];

/** Everything off: what a fresh install starts with. */
export function defaultNotificationSettings(): NotificationSettings {
  return notificationSettingsSchema.parse({});
}
