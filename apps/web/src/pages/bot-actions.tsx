// Start / pause / resume / stop / cancel-all (and kill, reset-halt on the bot page) for one bot.
// Anything that stops trading or pulls orders asks first.
import type { BotAction, BotSummaryDto } from '@mm/core';
import { errorMessage } from '../lib/api.ts';
import { useBotAction } from '../lib/queries.ts';
import { Button } from '../ui/button.tsx';
import { ConfirmButton } from '../ui/confirm.tsx';

export function BotActions({ bot, size = 'sm', extended = false }: { bot: BotSummaryDto; size?: 'sm' | 'md'; extended?: boolean }) {
  const action = useBotAction();
  const run = (a: BotAction) => action.mutateAsync({ id: bot.id, action: a });
  const fire = (a: BotAction) => void run(a).catch(() => undefined);
  const busy = action.isPending;
  // what the operator asked for decides the buttons; the state may still be catching up
  const s = bot.state;
  const stopped = bot.desiredState === 'stopped' || s === 'STOPPED' || s === 'ERROR';
  const label = (verb: string) => `${verb} ${bot.name}`;
  return (
    <div className="flex flex-wrap items-center gap-1">
      {stopped ? (
        <Button size={size} aria-label={label('Start')} disabled={busy} onClick={() => fire('start')}>
          Start
        </Button>
      ) : null}
      {!stopped && bot.desiredState === 'running' && s !== 'PAUSED' ? (
        <Button size={size} aria-label={label('Pause')} disabled={busy} onClick={() => fire('pause')}>
          Pause
        </Button>
      ) : null}
      {!stopped && (bot.desiredState === 'paused' || s === 'PAUSED') ? (
        <Button size={size} aria-label={label('Resume')} disabled={busy} onClick={() => fire('resume')}>
          Resume
        </Button>
      ) : null}
      {!stopped && s !== 'STOPPING' ? (
        <ConfirmButton
          size={size}
          ariaLabel={label('Stop')}
          title={`Stop ${bot.name}?`}
          description={<>The bot cancels all its open orders on {bot.symbol} and stops trading until you start it again.</>}
          confirmLabel="Stop bot"
          onConfirm={() => run('stop')}
        >
          Stop
        </ConfirmButton>
      ) : null}
      <ConfirmButton
        size={size}
        ariaLabel={label('Cancel all orders of')}
        title={`Cancel all orders of ${bot.name}?`}
        description={<>Every open order of this bot on {bot.symbol} is cancelled now. A running bot quotes again at its next refresh; pause it first to stay out of the market.</>}
        confirmLabel="Cancel all orders"
        onConfirm={() => run('cancel-all')}
      >
        Cancel all
      </ConfirmButton>
      {extended ? (
        <>
          {bot.tradingState === 'HALTED' ? (
            <ConfirmButton
              size={size}
              ariaLabel={label('Reset halt of')}
              title={`Reset the halt of ${bot.name}?`}
              description="The risk engine halted this bot. Resetting lets it trade again once it is started or resumed; make sure the cause is understood."
              confirmLabel="Reset halt"
              onConfirm={() => run('reset-halt')}
            >
              Reset halt
            </ConfirmButton>
          ) : null}
          <ConfirmButton
            size={size}
            variant="danger"
            ariaLabel={label('Kill')}
            title={`Kill ${bot.name}?`}
            description="Kill switch: cancels every order of the bot immediately and halts it. It stays halted until the halt is reset."
            confirmLabel="Kill bot"
            onConfirm={() => run('kill')}
          >
            Kill
          </ConfirmButton>
        </>
      ) : null}
      {action.isError ? (
        <span role="alert" className="text-err">
          {errorMessage(action.error)}
        </span>
      ) : null}
    </div>
  );
}
