// One alert, built once and rendered per channel: HTML for Telegram, plain text for webhooks.
// Every part is raw text; rendering escapes it, so no builder can forget to.
import type { BotIdentity, MessageKind } from './events.ts';
import { bold, escapeHtml, pre } from './html.ts';

export interface Message {
  /** `test` for the dashboard's test message. */
  readonly kind: MessageKind | 'test';
  readonly icon: string;
  readonly title: string;
  /** Shown as "name" and "venue · symbol" under the title. */
  readonly bot?: BotIdentity;
  readonly lines: readonly string[];
  /** A monospace block (a table) after the lines. */
  readonly table?: readonly string[];
  /** Machine-readable content for the webhook envelope. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly at: number;
}

function botHeader(bot: BotIdentity): string {
  return `${bot.venue} · ${bot.symbol}`;
}

export function renderHtml(message: Message): string {
  const title = message.bot === undefined ? `${message.icon} ${bold(message.title)}` : `${message.icon} ${bold(message.title)} · ${bold(message.bot.name)}`;
  const parts = [title];
  if (message.bot !== undefined) parts.push(escapeHtml(botHeader(message.bot)));
  for (const line of message.lines) parts.push(escapeHtml(line));
  if (message.table !== undefined && message.table.length > 0) parts.push(pre(message.table));
  return parts.join('\n');
}

export function renderPlain(message: Message): string {
  const title = message.bot === undefined ? `${message.icon} ${message.title}` : `${message.icon} ${message.title} · ${message.bot.name}`;
  const parts = [title];
  if (message.bot !== undefined) parts.push(botHeader(message.bot));
  parts.push(...message.lines);
  if (message.table !== undefined && message.table.length > 0) parts.push(...message.table);
  return parts.join('\n');
}
