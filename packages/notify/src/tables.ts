// Compact tables for a phone: a monospace block about 32 characters wide, names clipped, amounts
// in short form (12.3k, 1.2M). Long lists split into several messages, each a complete table.
import type { Fixed } from '@mm/core';
import { bold, escapeHtml, pre, TELEGRAM_MAX_CHARS } from './html.ts';
import { formatShort, formatShortText, formatSigned, formatSignedText, parseAmount, percentOf } from './numbers.ts';
import type { BotSummary } from './ports.ts';

const NAME_WIDTH = 12;

export function clipName(name: string, width = NAME_WIDTH): string {
  return name.length <= width ? name : `${name.slice(0, width - 1)}…`;
}

/** Left-aligns the first column and right-aligns the others. */
export function alignRows(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' ').trimEnd());
}

/**
 * Splits a titled table into messages under Telegram's limit. Every message repeats the title
 * (marked "1/3") and the column header, so each reads on its own.
 */
export function tableMessages(title: string, header: readonly string[], rows: readonly string[], footer: readonly string[] = []): string[] {
  const budget = TELEGRAM_MAX_CHARS - 200;
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const row of rows) {
    const cost = escapeHtml(row).length + 1;
    if (current.length > 0 && size + cost > budget) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(row);
    size += cost;
  }
  chunks.push(current);
  return chunks.map((chunk, i) => {
    const heading = chunks.length === 1 ? title : `${title} ${i + 1}/${chunks.length}`;
    const last = i === chunks.length - 1;
    const body = pre([...header, ...chunk]);
    return [bold(heading), body, ...(last ? footer.map(escapeHtml) : [])].join('\n');
  });
}

function sumBy(bots: readonly BotSummary[], pick: (b: BotSummary) => string): Map<string, Fixed> {
  const totals = new Map<string, Fixed>();
  for (const bot of bots) {
    const value = parseAmount(pick(bot));
    if (value === undefined) continue;
    const asset = bot.quoteAsset ?? '';
    totals.set(asset, (totals.get(asset) ?? 0n) + value);
  }
  return totals;
}

const STATE_SHORT: Readonly<Record<string, string>> = {
  RUNNING: 'RUN',
  PAUSED: 'PAUSE',
  STOPPED: 'STOP',
  STOPPING: 'STOP…',
  ERROR: 'ERROR',
  INIT: 'INIT',
  SYNC_BALANCES: 'SYNC',
  START_QUOTING: 'START',
};

function stateShort(state: string): string {
  return STATE_SHORT[state] ?? clipName(state, 6);
}

/** /bots: state and risk per bot, venue and symbol on a second line. */
export function botsTable(bots: readonly BotSummary[]): string[] {
  if (bots.length === 0) return [`${bold('🤖 Bots')}\nNo bots yet.`];
  const names = bots.map((b) => clipName(b.name));
  const states = bots.map((b) => stateShort(b.state));
  const nameWidth = Math.max(...names.map((n) => n.length));
  const stateWidth = Math.max(...states.map((s) => s.length));
  const rows: string[] = [];
  bots.forEach((b, i) => {
    rows.push(`${names[i]!.padEnd(nameWidth)} ${states[i]!.padEnd(stateWidth)} ${b.tradingState}`);
    rows.push(`  ${clipName(`${b.venue} ${b.symbol}`, 22)}${b.openOrders === undefined ? '' : ` · ${b.openOrders} orders`}`);
  });
  return tableMessages(`🤖 Bots (${bots.length})`, [], rows);
}

/** /pnl: today's PnL and fees per bot, totals per quote asset. */
export function pnlTable(bots: readonly BotSummary[]): string[] {
  if (bots.length === 0) return [`${bold('💰 PnL today')}\nNo bots yet.`];
  const rows = alignRows([['BOT', 'PNL', 'FEES'], ...bots.map((b) => [clipName(b.name), formatSignedText(b.pnlToday), formatShortText(b.fees)])]);
  const pnl = sumBy(bots, (b) => b.pnlToday);
  const fees = sumBy(bots, (b) => b.fees);
  const footer = [...pnl].map(([asset, total]) => `Total${asset === '' ? '' : ` ${asset}`}: ${formatSigned(total)} · fees ${formatShort(fees.get(asset) ?? 0n)}`);
  return tableMessages('💰 PnL today', rows.slice(0, 1), rows.slice(1), footer);
}

/** /volume: today's volume against the daily target. */
export function volumeTable(bots: readonly BotSummary[]): string[] {
  if (bots.length === 0) return [`${bold('📈 Volume today')}\nNo bots yet.`];
  const rows = alignRows([
    ['BOT', 'VOL', 'TARGET', '%'],
    ...bots.map((b) => {
      const volume = parseAmount(b.volumeToday);
      const target = parseAmount(b.volumeTarget);
      const pct = volume === undefined || target === undefined ? undefined : percentOf(volume, target);
      return [clipName(b.name), formatShortText(b.volumeToday), target === undefined || target === 0n ? '-' : formatShortText(b.volumeTarget), pct === undefined ? '-' : String(pct)];
    }),
  ]);
  const volume = sumBy(bots, (b) => b.volumeToday);
  const target = sumBy(bots, (b) => b.volumeTarget);
  const footer = [...volume].map(([asset, total]) => {
    const goal = target.get(asset) ?? 0n;
    const pct = percentOf(total, goal);
    return `Total${asset === '' ? '' : ` ${asset}`}: ${formatShort(total)}${goal > 0n ? ` / ${formatShort(goal)} (${pct}%)` : ''}`;
  });
  return tableMessages('📈 Volume today', rows.slice(0, 1), rows.slice(1), footer);
}

/** /status: one glance over everything. */
export function statusMessage(bots: readonly BotSummary[], extra: readonly string[]): string {
  const byState = new Map<string, number>();
  for (const b of bots) byState.set(b.state, (byState.get(b.state) ?? 0) + 1);
  const states = [...byState].map(([state, n]) => `${n} ${state.toLowerCase()}`).join(' · ');
  const lines = [bold('📟 Status'), escapeHtml(`Bots: ${bots.length}${states === '' ? '' : ` (${states})`}`)];
  const halted = bots.filter((b) => b.tradingState !== 'ACTIVE');
  if (halted.length > 0) lines.push(escapeHtml(`Risk: ${halted.map((b) => `${b.name} ${b.tradingState}`).join(', ')}`));
  const errors = bots.filter((b) => b.state === 'ERROR');
  if (errors.length > 0) lines.push(escapeHtml(`Errors: ${errors.map((b) => b.name).join(', ')}`));
  for (const [asset, total] of sumBy(bots, (b) => b.pnlToday)) lines.push(escapeHtml(`PnL today: ${formatSigned(total)}${asset === '' ? '' : ` ${asset}`}`));
  const target = sumBy(bots, (b) => b.volumeTarget);
  for (const [asset, total] of sumBy(bots, (b) => b.volumeToday)) {
    const goal = target.get(asset) ?? 0n;
    lines.push(escapeHtml(`Volume: ${formatShort(total)}${goal > 0n ? ` / ${formatShort(goal)} (${percentOf(total, goal)}%)` : ''}${asset === '' ? '' : ` ${asset}`}`));
  }
  for (const line of extra) lines.push(escapeHtml(line));
  return lines.join('\n');
}
