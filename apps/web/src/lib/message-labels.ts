import type { MessageKind } from '@mm/core';

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
