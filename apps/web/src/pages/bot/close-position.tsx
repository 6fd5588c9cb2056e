// "Close position" for a stopped perp bot that still holds one: asks for the slippage bound, then
// the bot closes its own position with reduce-only IOC orders within it and stays stopped. What
// found no liquidity inside the bound stays open, and the answer says how much.
import { useState } from 'react';
import { fx } from '@mm/core';
import type { BotSummaryDto } from '@mm/core';
import { errorMessage } from '../../lib/api.ts';
import { dec } from '../../lib/format.ts';
import { useBotAction } from '../../lib/queries.ts';
import { Button } from '../../ui/button.tsx';
import { FormDialog } from '../../ui/confirm.tsx';
import { DEFAULT_SLIPPAGE_PCT, SlippageAlert, SlippageInput, slippageProblem } from '../bot-actions.tsx';

/** The button and its dialog; `position` is the bot's own ("-120" short), `base` its asset. */
export function ClosePositionButton({ bot, position, base }: { bot: BotSummaryDto; position: string; base: string }) {
  const [open, setOpen] = useState(false);
  const [pct, setPct] = useState(DEFAULT_SLIPPAGE_PCT);
  const [left, setLeft] = useState<string>();
  const close = useBotAction();
  const long = !position.startsWith('-');
  const value = Number(pct);
  const pctError = slippageProblem(pct);
  const halted = bot.tradingState === 'HALTED';
  const confirm = async () => {
    try {
      const after = await close.mutateAsync({ id: bot.id, action: 'close-position', body: { closePosition: { maxSlippagePct: value } } });
      const rest = after.stats?.ledger.position;
      setLeft(rest !== undefined && fx.tryParse(rest) !== 0n ? rest : undefined);
      setOpen(false);
    } catch {
      // the error stays in the dialog, which stays open
    }
  };
  const ask = () => {
    close.reset();
    setLeft(undefined);
    setOpen(true);
  };
  return (
    <>
      <Button size="sm" variant="danger" aria-label={`Close the position of ${bot.name}`} onClick={ask}>
        Close position
      </Button>
      {left !== undefined ? (
        <span role="status" className="ml-2 text-pause">
          Closed part of it: {dec(left, { maxDecimals: 8 })} {base} left, no more liquidity within {value} % (the event log says more).
        </span>
      ) : null}
      <FormDialog
        open={open}
        onOpenChange={setOpen}
        title={`Close the position of ${bot.name}?`}
        description={
          <>
            The stopped bot {long ? 'sells' : 'buys'} its own{' '}
            <span className={long ? 'text-buy' : 'text-sell'}>
              {dec(position, { maxDecimals: 8 })} {base} ({long ? 'long' : 'short'})
            </span>{' '}
            on {bot.symbol} with reduce-only orders priced at most the slippage {long ? 'below the best bid' : 'above the best ask'}, and stays stopped. What finds no liquidity within that stays open.
            {halted ? ' The bot is halted: these reduce-only orders are the only ones the halt lets through.' : ''}
          </>
        }
        busy={close.isPending}
        error={close.isError ? errorMessage(close.error) : undefined}
        confirmLabel={close.isPending ? 'Closing…' : 'Close position'}
        confirmDisabled={pctError !== undefined}
        onConfirm={() => void confirm()}
      >
        <label className="mb-1 flex items-center gap-2 text-fg">
          Max slippage
          <SlippageInput invalid={pctError !== undefined} className="w-24" value={pct} onChange={setPct} />
          %
        </label>
        <SlippageAlert problem={pctError} className="mb-2" />
      </FormDialog>
    </>
  );
}
