// Shape of GET/PUT /api/settings. The notification part mirrors @mm/notify's
// notificationSettingsSchema, which the dashboard may not import (only @mm/core and
// @mm/strategy); the server validates and answers field errors, which the form shows.
export const EVENT_MODES = ['on', 'silent', 'off'] as const;
export type EventMode = (typeof EVENT_MODES)[number];

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

/** Notification settings as GET /api/settings returns them (once the notifier is wired). */
export interface NotificationSettingsDto {
  readonly telegram: {
    readonly enabled: boolean;
    /** Masked on the way out (e.g. "…AbCd"); send "" (or leave unchanged) to keep the stored token. */
    readonly botToken: string;
    readonly chatIds: readonly string[];
    readonly apiBase: string;
    readonly commands?: boolean;
  };
  readonly webhook: { readonly enabled: boolean; readonly url: string; readonly format?: 'json' | 'slack' | 'discord'; readonly secret?: string };
  readonly events: Readonly<Partial<Record<MessageKind, EventMode>>>;
  readonly fillSummaryIntervalMs: number;
  readonly dailySummary: { readonly enabled: boolean; readonly hour: number; readonly timezone: string };
}

/** GET /api/settings: display preferences, and the notification sections when the server has them. PUT takes any subset of the sections. */
export type SettingsDto = Partial<NotificationSettingsDto> & {
  readonly display?: { readonly timezone: string; readonly density: 'comfortable' | 'compact' };
};

export const MESSAGE_KIND_LABELS: Record<MessageKind, string> = {
  bot_started: 'Bot started',
  bot_stopped: 'Bot stopped',
  bot_paused: 'Bot paused',
  bot_resumed: 'Bot resumed',
  bot_error: 'Bot error',
  risk_trip: 'Risk limit tripped',
  kill_switch: 'Kill switch',
  fill_summary: 'Fill summary',
  daily_summary: 'Daily summary',
  connection_lost: 'Connection lost',
  connection_restored: 'Connection restored',
};
