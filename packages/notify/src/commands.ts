// What a Telegram command does. Transport-free: the listener hands in a message, this decides
// whether the chat may command at all, acts through the ControlPort, writes the audit log and
// returns the replies. Only configured chats are obeyed; anyone else is logged and ignored
// without an answer (an answer would confirm the bot exists).
import { toEngineError, type Clock } from '@mm/core';
import type { BotIdentity } from './events.ts';
import { bold, clip, code, escapeHtml } from './html.ts';
import { safeLog, type AuditSink, type ControlPort, type ControlResult, type NotifyLogger } from './ports.ts';
import { botsTable, pnlTable, statusMessage, volumeTable } from './tables.ts';

export interface IncomingCommand {
  readonly chatId: string;
  readonly text: string;
  readonly userId?: string;
  readonly username?: string;
  /** When the person sent it (epoch ms), to refuse commands that waited in Telegram too long. */
  readonly sentAt?: number;
}

export interface CommandHandlerOptions {
  readonly clock: Clock;
  readonly logger: NotifyLogger;
  readonly control?: ControlPort;
  readonly audit?: AuditSink;
  readonly allowedChats: () => readonly string[];
  /** Our bot's username, to skip group commands addressed to another bot (/status@other_bot). */
  readonly botUsername: () => string | undefined;
  /** Health lines of the notifier itself for /status. */
  readonly statusLines?: () => readonly string[];
  readonly killConfirmMs?: number;
  readonly controlTimeoutMs?: number;
  /** Older commands (queued in Telegram while we were down) are refused, not replayed. */
  readonly maxCommandAgeMs?: number;
}

export const HELP_TEXT = [
  bold('Commands'),
  '/status – overview',
  '/bots – bots and their state',
  '/pnl – PnL and fees today',
  '/volume – volume vs target today',
  `/pause ${escapeHtml('<bot>')} · /resume ${escapeHtml('<bot>')}`,
  `/stop ${escapeHtml('<bot>')} · /cancelall ${escapeHtml('<bot>')}`,
  '/kill – stop every bot (asks to confirm)',
  escapeHtml('<bot> is a name or the start of an id.'),
].join('\n');

type BotAction = 'pause' | 'resume' | 'stop' | 'cancelAll';

const BOT_ACTIONS: Readonly<Record<string, { action: BotAction; done: string; icon: string }>> = {
  pause: { action: 'pause', done: 'Paused', icon: '⏸' },
  resume: { action: 'resume', done: 'Resumed', icon: '▶️' },
  stop: { action: 'stop', done: 'Stopped', icon: '⏹' },
  cancelall: { action: 'cancelAll', done: 'Cancelled all orders of', icon: '🧹' },
};

interface PendingKill {
  readonly expiresAt: number;
  readonly reason: string;
}

interface Parsed {
  readonly command: string;
  readonly args: string;
  readonly addressee: string | undefined;
}

/** "/Pause@my_bot  alpha " → { command: 'pause', args: 'alpha', addressee: 'my_bot' }. */
export function parseCommand(text: string): Parsed | undefined {
  const match = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (match === null) return undefined;
  return { command: match[1]!.toLowerCase(), args: (match[3] ?? '').trim(), addressee: match[2] };
}

export class CommandHandler {
  private readonly pendingKills = new Map<string, PendingKill>();
  private readonly killConfirmMs: number;
  private readonly controlTimeoutMs: number;
  private readonly maxCommandAgeMs: number;

  constructor(private readonly options: CommandHandlerOptions) {
    this.killConfirmMs = options.killConfirmMs ?? 60_000;
    this.controlTimeoutMs = options.controlTimeoutMs ?? 30_000;
    this.maxCommandAgeMs = options.maxCommandAgeMs ?? 5 * 60_000;
  }

  /** Replies to send back to the same chat (HTML); empty when nothing should be said. */
  async handle(message: IncomingCommand): Promise<string[]> {
    const actor = `telegram:${message.chatId}`;
    const who = { chatId: message.chatId, userId: message.userId, username: message.username };
    const allowed = this.options.allowedChats().includes(message.chatId);
    const parsed = parseCommand(message.text);
    if (!allowed) {
      safeLog(this.options.logger, 'warn', `telegram: ignored a message from chat ${message.chatId}, which is not in the allowed chat ids`, {
        ...who,
        text: clip(message.text, 100),
      });
      if (parsed !== undefined) this.audit('telegram.rejected_chat', actor, { ...who, text: clip(message.text, 200), outcome: 'ignored' });
      return [];
    }
    if (parsed === undefined) return [];
    const username = this.options.botUsername();
    if (parsed.addressee !== undefined && username !== undefined && parsed.addressee.toLowerCase() !== username.toLowerCase()) return [];
    const action = `telegram.${parsed.command}`;
    const base = { ...who, text: clip(message.text, 200) };
    const age = message.sentAt === undefined ? 0 : this.options.clock.now() - message.sentAt;
    if (age > this.maxCommandAgeMs) {
      this.audit(action, actor, { ...base, outcome: 'stale', ageMs: age });
      return [`⌛ Ignored ${code(`/${parsed.command}`)}: it was sent ${Math.round(age / 60_000)} min ago. Send it again if you still want it.`];
    }
    try {
      return await this.dispatch(parsed, action, actor, base);
    } catch (error) {
      const reason = toEngineError(error).message;
      this.audit(action, actor, { ...base, outcome: 'error', error: reason });
      return [`❌ ${code(`/${parsed.command}`)}: ${escapeHtml(clip(reason, 300))}`];
    }
  }

  private async dispatch(parsed: Parsed, action: string, actor: string, base: Readonly<Record<string, unknown>>): Promise<string[]> {
    const control = this.options.control;
    switch (parsed.command) {
      case 'start':
      case 'help':
        this.audit(action, actor, { ...base, outcome: 'ok' });
        return [HELP_TEXT];
      case 'status':
      case 'bots':
      case 'pnl':
      case 'volume': {
        if (control === undefined) return this.unavailable(action, actor, base);
        const bots = await this.withTimeout(Promise.resolve(control.listBots()));
        this.audit(action, actor, { ...base, outcome: 'ok', bots: bots.length });
        if (parsed.command === 'status') return [statusMessage(bots, this.options.statusLines?.() ?? [])];
        if (parsed.command === 'bots') return botsTable(bots);
        if (parsed.command === 'pnl') return pnlTable(bots);
        return volumeTable(bots);
      }
      case 'pause':
      case 'resume':
      case 'stop':
      case 'cancelall': {
        const spec = BOT_ACTIONS[parsed.command]!;
        if (parsed.args === '') {
          this.audit(action, actor, { ...base, outcome: 'usage' });
          return [`Usage: ${code(`/${parsed.command} <bot>`)} – a bot name or the start of its id. /bots lists them.`];
        }
        if (control === undefined) return this.unavailable(action, actor, base);
        const result: ControlResult = await this.withTimeout(control[spec.action](parsed.args));
        this.audit(action, actor, { ...base, outcome: 'ok', bot: result.bot, ...(result.detail === undefined ? {} : { detail: result.detail }) });
        return [`${spec.icon} ${spec.done} ${describeBot(result.bot)}${result.detail === undefined ? '' : `\n${escapeHtml(clip(result.detail, 200))}`}`];
      }
      case 'kill':
        return this.kill(parsed.args, actor, base);
      default:
        this.audit('telegram.unknown_command', actor, { ...base, outcome: 'unknown' });
        return [`Unknown command ${code(`/${parsed.command}`)}. Send /help for the list.`];
    }
  }

  private async kill(args: string, actor: string, base: Readonly<Record<string, unknown>>): Promise<string[]> {
    const chatId = String(base['chatId']);
    const now = this.options.clock.now();
    const seconds = Math.round(this.killConfirmMs / 1000);
    if (args.toUpperCase() !== 'CONFIRM') {
      this.pendingKills.set(chatId, { expiresAt: now + this.killConfirmMs, reason: args });
      this.audit('telegram.kill_request', actor, { ...base, outcome: 'awaiting_confirmation', expiresAt: now + this.killConfirmMs });
      return [`☠️ ${bold('Kill switch')}: this stops ${bold('every bot')} and cancels all their orders.\nReply ${code('/kill CONFIRM')} within ${seconds} s to go ahead.`];
    }
    const pending = this.pendingKills.get(chatId);
    this.pendingKills.delete(chatId);
    if (pending === undefined || pending.expiresAt < now) {
      this.audit('telegram.kill_confirm', actor, { ...base, outcome: pending === undefined ? 'no_request' : 'expired' });
      return [`No kill switch is waiting for confirmation${pending === undefined ? '' : ' (it expired)'}. Send ${code('/kill')} first, then ${code('/kill CONFIRM')} within ${seconds} s.`];
    }
    const control = this.options.control;
    if (control === undefined) return this.unavailable('telegram.kill_confirm', actor, base);
    const by = base['username'] === undefined ? actor : `${actor} (@${String(base['username'])})`;
    const reason = `Telegram kill switch by ${by}${pending.reason === '' ? '' : `: ${pending.reason}`}`;
    try {
      const result = await this.withTimeout(control.killAll(reason));
      this.audit('telegram.kill_confirm', actor, { ...base, outcome: 'ok', reason, bots: result.bots });
      return [`☠️ ${bold('Kill switch engaged')}: ${result.bots} bot${result.bots === 1 ? '' : 's'} stopped.${result.detail === undefined ? '' : `\n${escapeHtml(clip(result.detail, 200))}`}`];
    } catch (error) {
      const message = toEngineError(error).message;
      this.audit('telegram.kill_confirm', actor, { ...base, outcome: 'error', reason, error: message });
      return [`❌ Kill switch failed: ${escapeHtml(clip(message, 300))}. Use the dashboard.`];
    }
  }

  private unavailable(action: string, actor: string, base: Readonly<Record<string, unknown>>): string[] {
    this.audit(action, actor, { ...base, outcome: 'error', error: 'remote control not connected' });
    return ['Remote control is not connected on the server.'];
  }

  private audit(action: string, actor: string, details: Readonly<Record<string, unknown>>): void {
    const sink = this.options.audit;
    if (sink === undefined) return;
    const entry = { action, actor, at: this.options.clock.now(), details };
    try {
      const pending = sink.record(entry);
      if (pending instanceof Promise) pending.catch((error: unknown) => this.auditFailed(action, error));
    } catch (error) {
      this.auditFailed(action, error);
    }
  }

  private auditFailed(action: string, error: unknown): void {
    safeLog(this.options.logger, 'error', `telegram: could not write the audit entry for ${action}: ${toEngineError(error).message}`);
  }

  /** A control call that never answers must not stall the command listener. */
  private withTimeout<T>(promise: Promise<T>): Promise<T> {
    const { clock } = this.options;
    return new Promise<T>((resolve, reject) => {
      const timer = clock.setTimeout(() => reject(new Error(`no answer from the server within ${Math.round(this.controlTimeoutMs / 1000)} s`)), this.controlTimeoutMs);
      promise.then(
        (value) => {
          clock.clearTimer(timer);
          resolve(value);
        },
        (error: unknown) => {
          clock.clearTimer(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}

function describeBot(bot: BotIdentity): string {
  return `${bold(bot.name)} · ${escapeHtml(`${bot.venue} ${bot.symbol}`)}`;
}
