// @mm/notify: Telegram and webhook notifications, Telegram remote control, daily summaries.
export * from './events.ts';
export * from './settings.ts';
export * from './redaction.ts';
export * from './ports.ts';
export { resolveBotRef } from './bot-ref.ts';
export { Notifier, type NotifierOptions, type NotifierStatus, type NotifierCounters, type ConnectionTestOverride } from './notifier.ts';
export { testTelegramConnection, type ConnectionTestResult, type ConnectionTestCode, type ChatCheck } from './connection-test.ts';
export { DEFAULT_TELEGRAM_LIMITS, type TelegramLimits, type TelegramSenderStatus, type ChannelState, type ChannelError } from './telegram-sender.ts';
export { DEFAULT_WEBHOOK_LIMITS, SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook, webhookBody, type WebhookEnvelope, type WebhookLimits, type WebhookSenderStatus } from './webhook-sender.ts';
export type { CommandListenerStatus } from './command-listener.ts';
export { HELP_TEXT, parseCommand } from './commands.ts';
export type { FillSummary } from './fill-summary.ts';
export type { FetchLike } from './telegram-api.ts';
export { escapeHtml } from './html.ts';
export { nextLocalHour } from './local-time.ts';
