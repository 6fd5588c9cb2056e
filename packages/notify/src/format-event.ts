// The words of each alert. Short enough to read in a phone's notification preview: what
// happened and to which bot first, details after.
import type { NotifyEvent } from './events.ts';
import { clip } from './html.ts';
import type { Message } from './message.ts';
import { formatDuration } from './numbers.ts';

/** Free text from the engine (errors, reasons) is clipped so one alert stays one screen. */
const MAX_TEXT = 300;

/** An optional reason or message: one clipped line, or none when absent or empty. */
function optionalText(text: string | undefined): string[] {
  return text === undefined || text === '' ? [] : [clip(text, MAX_TEXT)];
}

/** Message for every event except fills, which are summed (see FillAggregator). */
export function formatEvent(event: Exclude<NotifyEvent, { kind: 'fill' }>): Message {
  const base = { bot: event.bot, at: event.at };
  switch (event.kind) {
    case 'bot_started':
      return { ...base, kind: event.kind, icon: '▶️', title: 'Started', lines: [], data: {} };
    case 'bot_stopped':
      return { ...base, kind: event.kind, icon: '⏹', title: 'Stopped', lines: optionalText(event.reason), data: { reason: event.reason } };
    case 'bot_paused':
      return { ...base, kind: event.kind, icon: '⏸', title: 'Paused', lines: optionalText(event.reason), data: { reason: event.reason } };
    case 'bot_resumed':
      return { ...base, kind: event.kind, icon: '▶️', title: 'Resumed', lines: [], data: {} };
    case 'bot_error':
      return { ...base, kind: event.kind, icon: '❗', title: 'Error', lines: [clip(event.message, MAX_TEXT)], data: { message: event.message } };
    case 'risk_trip':
      return {
        ...base,
        kind: event.kind,
        icon: '🛑',
        title: 'Risk trip',
        lines: [
          `Rule: ${clip(event.rule, 60)}`,
          `Value ${clip(event.value, 60)} · limit ${clip(event.limit, 60)}`,
          `Action: ${clip(event.action, 40)}`,
          ...optionalText(event.message),
        ],
        data: { rule: event.rule, value: event.value, limit: event.limit, action: event.action, message: event.message },
      };
    case 'kill_switch':
      return { ...base, kind: event.kind, icon: '☠️', title: 'Kill switch', lines: [clip(event.reason, MAX_TEXT)], data: { reason: event.reason } };
    case 'connection_lost':
      return {
        ...base,
        kind: event.kind,
        icon: '🔌',
        title: 'Connection lost',
        lines: [`Stream: ${clip(event.stream, 60)}`, clip(event.reason, MAX_TEXT)],
        data: { stream: event.stream, reason: event.reason },
      };
    case 'connection_restored': {
      const down = event.downForMs === undefined ? '' : ` after ${formatDuration(event.downForMs)}`;
      return {
        ...base,
        kind: event.kind,
        icon: '✅',
        title: 'Connection restored',
        lines: [`Stream: ${clip(event.stream, 60)}${down}`, ...optionalText(event.reason)],
        data: { stream: event.stream, reason: event.reason, downForMs: event.downForMs },
      };
    }
  }
}
