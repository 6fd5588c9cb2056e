// "Close position" for a stopped perp bot that still holds one: asks for the slippage bound, then
// the bot closes its own position with reduce-only IOC orders within it and stays stopped. What
// found no liquidity inside the bound stays open, and the answer says how much.
import * as AlertDialog from '@radix-ui/react-alert-dialog';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { MAX_CLOSE_SLIPPAGE_PCT, fx } from '@mm/core';
import type { BotActionInput, BotSummaryDto } from '@mm/core';
import { api, errorMessage } from '../../lib/api.ts';
import { dec } from '../../lib/format.ts';
import { keys, lifecycleChanged, storeSummary } from '../../lib/queries.ts';
import { Button } from '../../ui/button.tsx';
import { DEFAULT_SLIPPAGE_PCT, slippageProblem } from '../bot-actions.tsx';

function useClosePosition() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: BotActionInput }) => api.post<BotSummaryDto>(`/api/bots/${encodeURIComponent(id)}/actions/close-position`, body),
    onSuccess: (bot, { id }) => {
      storeSummary(qc, bot);
      lifecycleChanged(qc, id);
      void qc.invalidateQueries({ queryKey: keys.openOrders(id) });
    },
  });
}

/** The button and its dialog; `position` is the bot's own ("-120" short), `base` its asset. */
export function ClosePositionButton({ bot, position, base }: { bot: BotSummaryDto; position: string; base: string }) {
  const [open, setOpen] = useState(false);
  const [pct, setPct] = useState(DEFAULT_SLIPPAGE_PCT);
  const [left, setLeft] = useState<string>();
  const close = useClosePosition();
  const long = !position.startsWith('-');
  const value = Number(pct);
  const pctError = slippageProblem(pct);
  const halted = bot.tradingState === 'HALTED';
  const confirm = async () => {
    try {
      const after = await close.mutateAsync({ id: bot.id, body: { closePosition: { maxSlippagePct: value } } });
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
      <AlertDialog.Root open={open} onOpenChange={(next) => !close.isPending && setOpen(next)}>
        <AlertDialog.Portal>
          <AlertDialog.Overlay className="fixed inset-0 z-40 bg-black/70" />
          <AlertDialog.Content className="fixed top-1/2 left-1/2 z-50 w-[min(92vw,32rem)] -translate-x-1/2 -translate-y-1/2 border border-line-strong bg-panel p-5 shadow-2xl">
            <AlertDialog.Title className="mb-2 text-[1.05em] font-semibold text-fg">Close the position of {bot.name}?</AlertDialog.Title>
            <AlertDialog.Description className="mb-3 text-dim">
              The stopped bot {long ? 'sells' : 'buys'} its own{' '}
              <span className={long ? 'text-buy' : 'text-sell'}>
                {dec(position, { maxDecimals: 8 })} {base} ({long ? 'long' : 'short'})
              </span>{' '}
              on {bot.symbol} with reduce-only orders priced at most the slippage {long ? 'below the best bid' : 'above the best ask'}, and stays stopped. What finds no liquidity within that stays open.
              {halted ? ' The bot is halted: these reduce-only orders are the only ones the halt lets through.' : ''}
            </AlertDialog.Description>
            <label className="mb-1 flex items-center gap-2 text-fg">
              Max slippage
              <input
                type="number"
                inputMode="decimal"
                aria-invalid={pctError !== undefined}
                min={0.01}
                max={MAX_CLOSE_SLIPPAGE_PCT}
                step={0.1}
                className="w-24"
                value={pct}
                onChange={(e) => setPct(e.target.value)}
              />
              %
            </label>
            {pctError !== undefined ? (
              <p role="alert" className="mb-2 text-err">
                Max slippage: {pctError}
              </p>
            ) : null}
            {close.isError ? (
              <p role="alert" className="mt-2 mb-1 text-err">
                {errorMessage(close.error)}
              </p>
            ) : null}
            <div className="mt-4 flex justify-end gap-2">
              <AlertDialog.Cancel asChild>
                <Button variant="ghost" disabled={close.isPending}>
                  Cancel
                </Button>
              </AlertDialog.Cancel>
              <Button variant="danger" disabled={close.isPending || pctError !== undefined} onClick={() => void confirm()}>
                {close.isPending ? 'Closing…' : 'Close position'}
              </Button>
            </div>
          </AlertDialog.Content>
        </AlertDialog.Portal>
      </AlertDialog.Root>
    </>
  );
}
