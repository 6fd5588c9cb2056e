// What a runner does when the control plane asks something of a bot it holds. The server
// records the operator's intent (desired state, config) first and then sends the command, so a
// runner that takes the bot over later starts from the same intent. A refusal comes back as an
// EngineError with the message the operator sees.
import { EngineError } from '@mm/core';
import type { BotAction } from '@mm/core';
import type { Bot } from '@mm/engine';
import type { Storage } from '@mm/storage';

/** Every command a runner carries out: the dashboard's bot actions plus configuration and removal. */
export type RunnerCommand = BotAction | 'config' | 'remove';

export const RUNNER_COMMANDS: readonly RunnerCommand[] = ['start', 'stop', 'pause', 'resume', 'cancel-all', 'kill', 'reset-halt', 'close-position', 'config', 'remove'];

export interface CommandOptions {
  readonly reason?: string;
  readonly closePosition?: { readonly maxSlippagePct: number };
}

export interface CommandContext {
  readonly storage: Storage;
  readonly bot: Bot;
  /** Starts the bot in the background (reconciling first); failures show in its state. */
  startBot(thenPause: boolean): void;
  /** Stops handling the bot here and gives its lease back (after a remove). */
  release(): Promise<void>;
}

export async function runCommand(ctx: CommandContext, action: RunnerCommand, options: CommandOptions): Promise<void> {
  const { bot, storage } = ctx;
  const name = bot.config.name;
  switch (action) {
    case 'start':
      if (bot.state !== 'INIT' && bot.state !== 'STOPPED') throw new EngineError('ILLEGAL_STATE', `bot ${name} is already ${bot.state}`);
      if (bot.closingPosition) throw new EngineError('ILLEGAL_STATE', `bot ${name} is closing its position; start it once the close has finished`);
      await storage.bots.setDesiredState(bot.id, 'running');
      ctx.startBot(false);
      return;
    case 'stop': {
      const close = options.closePosition;
      if (close !== undefined) {
        // refused before anything changes: a spot bot, a bad bound, a bot that is not running
        // (a halted one may: its closing orders are reduce-only); a stopped one has close-position
        if (bot.state === 'STOPPED') throw new EngineError('ILLEGAL_STATE', `bot ${name} is STOPPED already: close its position with the close-position action`);
        if (bot.state === 'INIT' || bot.state === 'STOPPING') throw new EngineError('ILLEGAL_STATE', `bot ${name} is ${bot.state}: only a running bot's stop can close its position`);
        const refusal = bot.closePositionRefusal(close);
        if (refusal !== undefined) throw refusal;
      }
      await storage.bots.setDesiredState(bot.id, 'stopped');
      await bot.stop('stopped by operator', close === undefined ? {} : { closePosition: close });
      // its figures are read from storage from now on: what it wrote last must be there
      storage.journal.writePendingStats(bot.id);
      await storage.journal.flush();
      return;
    }
    case 'close-position': {
      const close = options.closePosition;
      if (close === undefined) throw new EngineError('INVALID_ARGUMENT', 'give the slippage bound to close within', { details: { field: 'closePosition' } });
      // the desired state stays stopped: the bot closes and remains STOPPED
      await bot.closePosition(close.maxSlippagePct);
      // the stopped bot's figures come from storage: the closing fills must be there
      await storage.journal.flush();
      return;
    }
    case 'pause':
      await storage.bots.setDesiredState(bot.id, 'paused');
      await bot.pause();
      return;
    case 'resume':
      await storage.bots.setDesiredState(bot.id, 'running');
      await bot.resume();
      return;
    case 'cancel-all':
      await bot.cancelAll('cancel all by operator');
      return;
    case 'kill':
      await bot.kill(options.reason ?? 'kill switch by operator');
      return;
    case 'reset-halt':
      await bot.resetHalt();
      await storage.bots.setHalt(bot.id, undefined);
      return;
    case 'config': {
      // the server stored the new version before sending this: the bot takes what is stored
      const record = await storage.bots.require(bot.id);
      bot.updateConfig(record.config);
      return;
    }
    case 'remove':
      await bot.stop('bot removed');
      await storage.journal.flush().catch(() => undefined);
      await ctx.release();
      return;
  }
}
