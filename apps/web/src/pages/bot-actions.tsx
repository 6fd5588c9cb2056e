// Start / pause / resume / stop / cancel-all (and kill, reset-halt on the bot page) for one bot.
// Anything that stops trading or pulls orders asks first; stopping a perp bot that holds a
// position also asks whether to leave the position open or close it (reduce-only, bounded slippage).
import { useId, useState } from 'react';
import { MAX_CLOSE_SLIPPAGE_PCT, fx } from '@mm/core';
import type { BotAction, BotActionInput, BotSummaryDto } from '@mm/core';
import { errorMessage } from '../lib/api.ts';
import { dec } from '../lib/format.ts';
import { useBotAction } from '../lib/queries.ts';
import { Button } from '../ui/button.tsx';
import { ConfirmButton, FormDialog } from '../ui/confirm.tsx';

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
      {!stopped && s !== 'STOPPING' && bot.market === 'perp' ? <PerpStopButton bot={bot} size={size} ariaLabel={label('Stop')} disabled={busy} /> : null}
      {!stopped && s !== 'STOPPING' && bot.market !== 'perp' ? (
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

/** The perp bot's own open position from its fills ("-120" short), or undefined when flat or spot. */
function openPosition(bot: BotSummaryDto): string | undefined {
  const position = bot.stats?.ledger.position;
  if (bot.market !== 'perp' || position === undefined) return undefined;
  const qty = fx.tryParse(position);
  return qty === undefined || qty === 0n ? undefined : position;
}

export const DEFAULT_SLIPPAGE_PCT = '0.5';

/** What is wrong with a typed slippage bound, or undefined when it is one the server takes. */
export function slippageProblem(text: string): string | undefined {
  const value = Number(text);
  return text.trim() === '' || !Number.isFinite(value) || value <= 0 || value > MAX_CLOSE_SLIPPAGE_PCT ? `above 0 and at most ${MAX_CLOSE_SLIPPAGE_PCT} %` : undefined;
}

/** The slippage bound's number field, with the limits the server takes. */
export function SlippageInput({ value, onChange, invalid, className, ...rest }: { value: string; onChange(text: string): void; invalid: boolean; className: string; 'aria-label'?: string; onFocus?(): void }) {
  return (
    <input
      type="number"
      inputMode="decimal"
      aria-invalid={invalid}
      min={0.01}
      max={MAX_CLOSE_SLIPPAGE_PCT}
      step={0.1}
      className={className}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      {...rest}
    />
  );
}

/** What is wrong with the typed slippage bound, announced; nothing when it is fine. */
export function SlippageAlert({ problem, className }: { problem: string | undefined; className?: string }) {
  return problem === undefined ? null : (
    <span role="alert" className={className === undefined ? 'block text-err' : `block text-err ${className}`}>
      Max slippage: {problem}
    </span>
  );
}

/**
 * Stop for a perp bot. With a position it asks: cancel orders only (the default), or cancel and
 * close the position; flat, it is the plain confirm. The position is read when the dialog opens,
 * so a stats update while it is open does not change the question under the operator's hand.
 */
function PerpStopButton({ bot, size, ariaLabel, disabled }: { bot: BotSummaryDto; size: 'sm' | 'md'; ariaLabel: string; disabled: boolean }) {
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState<'cancel' | 'close'>('cancel');
  const [pct, setPct] = useState(DEFAULT_SLIPPAGE_PCT);
  const [asked, setAsked] = useState<{ position: string | undefined; entry: string | undefined; unrealized: string | undefined }>({ position: undefined, entry: undefined, unrealized: undefined });
  const stop = useBotAction();
  const id = useId();
  const position = asked.position ?? '0';
  const hasPosition = asked.position !== undefined;
  const long = !position.startsWith('-');
  const base = bot.stats?.ledger.baseAsset || bot.baseAsset || 'base';
  const quote = bot.stats?.ledger.quoteAsset || bot.quoteAsset || 'quote';
  const halted = bot.tradingState === 'HALTED';
  const value = Number(pct);
  const pctError = choice !== 'close' ? undefined : slippageProblem(pct);
  const confirm = async () => {
    const body: BotActionInput = choice === 'close' ? { closePosition: { maxSlippagePct: value } } : {};
    try {
      await stop.mutateAsync({ id: bot.id, action: 'stop', body });
      setOpen(false);
    } catch {
      // the error stays in the dialog, which stays open
    }
  };
  const ask = () => {
    stop.reset();
    setChoice('cancel');
    setAsked({ position: openPosition(bot), entry: bot.stats?.ledger.averageEntry, unrealized: bot.stats?.ledger.unrealized });
    setOpen(true);
  };
  return (
    <>
      <Button size={size} disabled={disabled} aria-label={ariaLabel} onClick={ask}>
        Stop
      </Button>
      <FormDialog
        open={open}
        onOpenChange={setOpen}
        title={`Stop ${bot.name}?`}
        description={
          <>
            The bot cancels all its open orders on {bot.symbol} and stops trading until you start it again.
            {hasPosition ? (
              <>
                {' '}
                It holds a position of{' '}
                <span className={long ? 'text-buy' : 'text-sell'}>
                  {dec(position, { maxDecimals: 8 })} {base} ({long ? 'long' : 'short'})
                </span>
                {asked.entry === undefined ? '' : `, entry ${dec(asked.entry, { maxDecimals: 8 })}`}
                {asked.unrealized === undefined ? '' : `, unrealized ${dec(asked.unrealized, { decimals: 2, sign: true })} ${quote}`}.
              </>
            ) : null}
          </>
        }
        busy={stop.isPending}
        error={stop.isError ? errorMessage(stop.error) : undefined}
        confirmLabel={choice === 'close' ? 'Stop and close position' : 'Stop bot'}
        confirmDisabled={pctError !== undefined}
        onConfirm={() => void confirm()}
      >
        {hasPosition ? (
          <fieldset className="flex flex-col gap-2" aria-label="What happens to the position">
            <label className="flex items-start gap-2">
              <input type="radio" name={`${id}-stop`} className="mt-1 accent-white" checked={choice === 'cancel'} onChange={() => setChoice('cancel')} />
              <span>
                <span className="text-fg">Cancel orders only</span>
                <span className="block text-[0.9em] text-mute">The position stays open at the venue, unwatched by the bot, until you start it again or close it yourself.</span>
              </span>
            </label>
            <div className="flex items-start gap-2">
              <input type="radio" id={`${id}-close`} name={`${id}-stop`} className="mt-1 accent-white" checked={choice === 'close'} onChange={() => setChoice('close')} />
              <div>
                <label htmlFor={`${id}-close`} className="text-fg">
                  Cancel and close the position
                </label>{' '}
                <span className="whitespace-nowrap text-fg">
                  (reduce-only, max slippage{' '}
                  <SlippageInput aria-label="Max slippage %" invalid={pctError !== undefined} className="w-20" value={pct} onFocus={() => setChoice('close')} onChange={setPct} />{' '}
                  %)
                </span>
                <span className="block text-[0.9em] text-mute">
                  After the cancels, {long ? 'sells' : 'buys'} at most {Number.isFinite(value) && value > 0 ? value : '…'} % {long ? 'below the best bid' : 'above the best ask'}; what finds no liquidity within that stays
                  open (the bot's log says what is left).
                  {halted ? ' The bot is halted: these reduce-only orders are the only ones the halt lets through, and it still holds afterwards.' : ''}
                </span>
                <SlippageAlert problem={pctError} />
              </div>
            </div>
          </fieldset>
        ) : null}
      </FormDialog>
    </>
  );
}
