// Once a day at a local hour: PnL, volume against target, fees and inventory of every bot,
// read from the server's ControlPort at that moment.
import type { Clock, TimerHandle } from '@mm/core';
import { bold, escapeHtml, TELEGRAM_MAX_CHARS } from './html.ts';
import { localDate, nextLocalHour } from './local-time.ts';
import { formatAmountText, formatShort, formatSigned, formatSignedText, parseAmount, percentOf } from './numbers.ts';
import type { BotSummary } from './ports.ts';
import { clipName } from './tables.ts';

export interface DailySummaryContent {
  /** One or more Telegram messages (long bot lists are split). */
  readonly html: readonly string[];
  readonly plain: string;
  readonly title: string;
  readonly data: { readonly date: string; readonly timezone: string; readonly bots: readonly BotSummary[] };
}

function botBlock(b: BotSummary): string[] {
  const volume = parseAmount(b.volumeToday);
  const target = parseAmount(b.volumeTarget);
  const quote = b.quoteAsset === undefined ? '' : ` ${b.quoteAsset}`;
  const pct = volume !== undefined && target !== undefined ? percentOf(volume, target) : undefined;
  const volumeLine =
    target === undefined || target === 0n
      ? `Volume ${formatAmountText(b.volumeToday)}${quote}`
      : `Volume ${volume === undefined ? b.volumeToday : formatShort(volume)} / ${formatShort(target)}${quote} (${pct ?? '-'}%)`;
  return [
    `${clipName(b.name, 24)} · ${b.venue} ${b.symbol} · ${b.state}`,
    `PnL ${formatSignedText(b.pnlToday)}${quote} · fees ${formatAmountText(b.fees)}`,
    volumeLine,
    `Inventory ${formatAmountText(b.inventory)}${b.baseAsset === undefined ? '' : ` ${b.baseAsset}`}`,
  ];
}

function totals(bots: readonly BotSummary[]): string[] {
  const byQuote = new Map<string, { pnl: bigint; fees: bigint; volume: bigint; target: bigint }>();
  for (const b of bots) {
    const key = b.quoteAsset ?? '';
    const t = byQuote.get(key) ?? { pnl: 0n, fees: 0n, volume: 0n, target: 0n };
    t.pnl += parseAmount(b.pnlToday) ?? 0n;
    t.fees += parseAmount(b.fees) ?? 0n;
    t.volume += parseAmount(b.volumeToday) ?? 0n;
    t.target += parseAmount(b.volumeTarget) ?? 0n;
    byQuote.set(key, t);
  }
  return [...byQuote].map(([quote, t]) => {
    const unit = quote === '' ? '' : ` ${quote}`;
    const goal = t.target > 0n ? ` / ${formatShort(t.target)} (${percentOf(t.volume, t.target)}%)` : '';
    return `Total${unit}: PnL ${formatSigned(t.pnl)} · fees ${formatShort(t.fees)} · volume ${formatShort(t.volume)}${goal}`;
  });
}

export function dailySummaryContent(bots: readonly BotSummary[], at: number, timezone: string): DailySummaryContent {
  const date = localDate(at, timezone);
  const title = `📊 Daily summary · ${date}`;
  const blocks = bots.map(botBlock);
  const footer = bots.length === 0 ? ['No bots.'] : totals(bots);
  // pack bot blocks into messages under the limit; the totals close the last one
  const html: string[] = [];
  let current: string[] = [bold(title)];
  let size = current[0]!.length;
  const budget = TELEGRAM_MAX_CHARS - 300;
  for (const block of blocks) {
    const text = `${bold(block[0]!)}\n${block.slice(1).map(escapeHtml).join('\n')}`;
    if (size + text.length + 2 > budget && current.length > 1) {
      html.push(current.join('\n\n'));
      current = [bold(`${title} (cont.)`)];
      size = current[0]!.length;
    }
    current.push(text);
    size += text.length + 2;
  }
  current.push(footer.map(escapeHtml).join('\n'));
  html.push(current.join('\n\n'));
  const plain = [title, ...blocks.map((b) => b.join('\n')), footer.join('\n')].join('\n\n');
  return { html, plain, title, data: { date, timezone, bots } };
}

/** Fires `onDue` at the configured local hour every day. */
export class DailySummaryScheduler {
  private timer: TimerHandle | undefined;
  private due: number | undefined;
  private hour = 0;
  private timezone = 'UTC';

  constructor(
    private readonly clock: Clock,
    private readonly onDue: (at: number) => void,
  ) {}

  /** `undefined` switches it off. */
  configure(settings: { readonly hour: number; readonly timezone: string } | undefined): void {
    this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.due = undefined;
    if (settings === undefined) return;
    this.hour = settings.hour;
    this.timezone = settings.timezone;
    this.schedule(this.clock.now());
  }

  /** When the next summary is due (for the dashboard). */
  get nextAt(): number | undefined {
    return this.due;
  }

  stop(): void {
    this.configure(undefined);
  }

  private schedule(after: number): void {
    const due = nextLocalHour(after, this.hour, this.timezone);
    this.due = due;
    this.timer = this.clock.setTimeout(() => this.fire(due), due - this.clock.now());
  }

  private fire(due: number): void {
    this.timer = undefined;
    // a timer that fires a little early must not schedule the same hour again
    this.schedule(Math.max(this.clock.now(), due));
    this.onDue(due);
  }
}
