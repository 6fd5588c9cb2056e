// GET/PUT /api/settings: display preferences and the notification sections. The notifier
// (@mm/notify) validates these with its zod schema; the names live here so the dashboard, which
// may import only @mm/core, shares them instead of mirroring them.

export const EVENT_MODES = ['on', 'silent', 'off'] as const;
export type EventMode = (typeof EVENT_MODES)[number];

/**
 * What an operator switches on, silent or off. Fills are never sent one by one, so their
 * setting is named after the message they produce; the daily summary is not an engine event.
 */
export const MESSAGE_KINDS = [
  'bot_started',
  'bot_stopped',
  'bot_paused',
  'bot_resumed',
  'bot_error',
  'risk_trip',
  'kill_switch',
  'fill_summary',
  'daily_summary',
  'connection_lost',
  'connection_restored',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Body of a webhook POST: the full JSON envelope, or Slack's / Discord's own message shape. */
export const WEBHOOK_FORMATS = ['json', 'slack', 'discord'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Notification settings as GET /api/settings returns them: secrets masked (e.g. "…AbCd"). */
export interface NotificationSettingsDto {
  readonly telegram: {
    readonly enabled: boolean;
    /** Masked on the way out; send "" (or leave unchanged) to keep the stored token. */
    readonly botToken: string;
    readonly chatIds: readonly string[];
    readonly apiBase: string;
    readonly commands?: boolean;
  };
  readonly webhook: { readonly enabled: boolean; readonly url: string; readonly format?: WebhookFormat; readonly secret?: string };
  readonly events: Readonly<Partial<Record<MessageKind, EventMode>>>;
  readonly fillSummaryIntervalMs: number;
  readonly dailySummary: { readonly enabled: boolean; readonly hour: number; readonly timezone: string };
}

/** GET /api/settings: display preferences, and the notification sections when the server has a notifier. PUT takes any subset. */
export type SettingsDto = Partial<NotificationSettingsDto> & {
  readonly display?: { readonly timezone: string; readonly density: 'comfortable' | 'compact' };
};
