// The bot's own accounting, folded over its own fills (average cost): position and average entry,
// realized, unrealized at the mark, fees (valued in quote and as paid), funding, net; and today
// against all-time. A bot that is not running shows its stored figures at the last stored mark.
import type { ReactNode } from 'react';
import { fx } from '@mm/core';
import type { BotDetailDto, BotLedgerDto, LedgerFlowsDto } from '@mm/core';
import { dec, fmtDateTime, stepDecimals } from '../../lib/format.ts';
import { useTimeZone } from '../../lib/prefs.ts';
import { Empty, Panel, Stat } from '../../ui/panel.tsx';

const pnl = (v: string | undefined) => dec(v, { decimals: 2, sign: true });
const amount = (v: string | undefined) => dec(v, { decimals: 2 });
/** Fees are small next to volume: four places so a few fills do not read as 0.00. */
const fee = (v: string | undefined) => dec(v, { decimals: 4 });

/** "stopped — valued at the last stored mark" for a bot that is not running; nothing while live. */
export function NotLiveNote({ bot }: { bot: BotDetailDto }) {
  if (!bot.stats || bot.stats.live) return null;
  const state = bot.state === 'ERROR' ? 'error' : bot.state === 'STOPPED' ? 'stopped' : bot.state.toLowerCase();
  return (
    <span role="note" className="text-[0.9em] text-mute">
      {state} — valued at the last stored mark
    </span>
  );
}

export function LedgerPanel({ bot }: { bot: BotDetailDto }) {
  const s = bot.stats;
  const l = s?.ledger;
  return (
    <Panel
      title="Ledger"
      id="ledger"
      actions={
        <>
          <NotLiveNote bot={bot} />
          <a
            href={`/api/bots/${encodeURIComponent(bot.id)}/ledger.csv`}
            download
            aria-label={`Export the ledger of ${bot.name} per day as CSV`}
            className="inline-flex h-6 items-center border border-line-strong bg-raised px-2 hover:border-dim"
          >
            CSV per day
          </a>
        </>
      }
    >
      {!l ? <Empty>No figures yet: the bot has not traded.</Empty> : <LedgerBody bot={bot} l={l} at={s!.at} live={s!.live} />}
    </Panel>
  );
}

function LedgerBody({ bot, l, at, live }: { bot: BotDetailDto; l: BotLedgerDto; at: number; live: boolean }) {
  const tz = useTimeZone();
  const base = l.baseAsset || bot.baseAsset || 'base';
  const quote = l.quoteAsset || bot.quoteAsset || 'quote';
  const qtyDecimals = stepDecimals(bot.instrument?.lotSize);
  const priceDecimals = stepDecimals(bot.instrument?.tickSize);
  const price = (v: string | undefined) => dec(v, priceDecimals === undefined ? { maxDecimals: 8 } : { decimals: priceDecimals + 2, grouping: true });
  const qty = (v: string | undefined) => dec(v, qtyDecimals === undefined ? { maxDecimals: 8 } : { decimals: qtyDecimals });
  const flat = l.averageEntry === undefined;
  const perp = bot.market === 'perp';
  const showFunding = perp || (fx.tryParse(l.funding) ?? 0n) !== 0n;
  const paid = Object.entries(l.feesByAsset);
  const unvalued = Object.entries(l.unvaluedFees);
  const markText = l.mark === undefined ? 'no mark' : `${live ? 'mark' : 'last stored mark'} ${price(l.mark)}`;
  return (
    <div className="flex flex-col gap-3">
      <p className="text-[0.9em] text-dim">
        From this bot&apos;s own fills only · cost method: average cost · valued at {markText}
        {live ? '' : ` (${fmtDateTime(at, tz)})`} · net = realized + unrealized − fees{showFunding ? ' + funding' : ''}
      </p>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-3" aria-label="Ledger figures">
        <Stat label={`Position ${base}`} sub={flat ? 'flat' : `avg entry ${price(l.averageEntry)}`}>
          {qty(l.position)}
        </Stat>
        <Stat label="Realized">{pnl(l.realized)}</Stat>
        <Stat label="Unrealized" sub={l.mark === undefined ? (flat ? 'flat' : 'unknown: no mark') : `at ${price(l.mark)}`}>
          {pnl(l.unrealized)}
        </Stat>
        <Stat label={`Fees ${quote}`} sub={paid.length === 0 ? 'none paid' : `paid ${paid.map(([asset, v]) => `${dec(v, { maxDecimals: 6 })} ${asset}`).join(' · ')}`}>
          {fee(l.fees)}
        </Stat>
        {showFunding ? <Stat label="Funding">{pnl(l.funding)}</Stat> : null}
        <Stat label={`Net ${quote}`} sub={l.lastFillTime === undefined ? 'no fills yet' : `last fill ${fmtDateTime(l.lastFillTime, tz)}`}>
          <span className="font-semibold">{pnl(l.net)}</span>
        </Stat>
      </dl>
      {unvalued.length > 0 ? (
        <p className="text-pause">
          Fees not valued (neither {base} nor {quote}; not in net): {unvalued.map(([asset, v]) => `${dec(v, { maxDecimals: 8 })} ${asset}`).join(' · ')}
        </p>
      ) : null}
      <div className="overflow-x-auto">
        <table className="grid-table" aria-label="Ledger by period">
          <thead>
            <tr>
              <th scope="col">{quote}</th>
              <th scope="col" className="num" title={`The trading day in the bot's volume time zone, from ${fmtDateTime(l.today.dayStart, tz)}`}>
                Today
              </th>
              <th scope="col" className="num">
                All time
              </th>
            </tr>
          </thead>
          <tbody>
            <PeriodRow label="Maker volume" today={l.today} all={l.allTime} pick={(f) => amount(f.maker)} />
            <PeriodRow label="Taker volume" today={l.today} all={l.allTime} pick={(f) => amount(f.taker)} />
            <PeriodRow label="Volume-leg volume" today={l.today} all={l.allTime} pick={(f) => amount(f.volumeLeg)} />
            <PeriodRow label="Total volume" today={l.today} all={l.allTime} pick={(f) => amount(f.total)} />
            <PeriodRow label={`Bought ${base}`} today={l.today} all={l.allTime} pick={(f) => qty(f.buyQty)} />
            <PeriodRow label={`Sold ${base}`} today={l.today} all={l.allTime} pick={(f) => qty(f.sellQty)} />
            <PeriodRow label="Trades" today={l.today} all={l.allTime} pick={(f) => String(f.trades)} />
            <PeriodRow label="Fees" today={l.today} all={l.allTime} pick={(f) => fee(f.fees)} />
            <PeriodRow label="Realized" today={l.today} all={l.allTime} pick={(f) => pnl(f.realized)} />
            {showFunding ? <PeriodRow label="Funding" today={l.today} all={l.allTime} pick={(f) => pnl(f.funding)} /> : null}
            <tr className="font-semibold">
              <th scope="row" className="!text-fg">
                Net
              </th>
              <td className="num" title={l.today.net === undefined ? 'no opening mark for today yet' : "today's change, including the position's move since the day's opening mark"}>
                {pnl(l.today.net)}
              </td>
              <td className="num">{pnl(l.net)}</td>
            </tr>
          </tbody>
        </table>
        <p className="mt-1 text-[0.8em] text-mute">today from {fmtDateTime(l.today.dayStart, tz)} (the bot&apos;s trading day)</p>
      </div>
    </div>
  );
}

function PeriodRow({ label, today, all, pick }: { label: string; today: LedgerFlowsDto; all: LedgerFlowsDto; pick: (f: LedgerFlowsDto) => ReactNode }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td className="num">{pick(today)}</td>
      <td className="num">{pick(all)}</td>
    </tr>
  );
}
