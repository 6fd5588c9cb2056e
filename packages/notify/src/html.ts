// Telegram's HTML parse mode: only <, > and & must be escaped in text (we write no attributes).
// Anything that came from a bot name, an error or a person is escaped before it is wrapped in
// tags, so "<b>&" shows as typed instead of breaking the message (or being rejected as a whole).

/** Telegram's limit on one message's text. */
export const TELEGRAM_MAX_CHARS = 4096;

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (c) => ESCAPES[c]!);
}

export function bold(text: string): string {
  return `<b>${escapeHtml(text)}</b>`;
}

export function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

/** Monospace block: where phone tables keep their columns. */
export function pre(lines: readonly string[]): string {
  return `<pre>${escapeHtml(lines.join('\n'))}</pre>`;
}

/** Shortens free text (an error message, a reason) before it is escaped. */
export function clip(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, Math.max(0, max - 1))}…`;
}

const UNESCAPES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"' };

/** The text a person would see: tags removed, entities decoded. For plain-text channels. */
export function htmlToPlain(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&(amp|lt|gt|quot);/g, (e) => UNESCAPES[e]!);
}

/**
 * Makes any HTML message fit Telegram's limit. Builders keep their messages short, so this is
 * a safety net: tags are dropped (a cut could leave one open) and the text is cut on a line,
 * never inside an entity.
 */
export function fitHtml(html: string, max = TELEGRAM_MAX_CHARS): string {
  if (html.length <= max) return html;
  const plain = escapeHtml(htmlToPlain(html));
  if (plain.length <= max) return plain;
  let cut = plain.slice(0, max - 2);
  const lastLine = cut.lastIndexOf('\n');
  if (lastLine > max / 2) cut = cut.slice(0, lastLine);
  const amp = cut.lastIndexOf('&');
  if (amp > cut.lastIndexOf(';')) cut = cut.slice(0, amp);
  return `${cut}\n…`;
}
