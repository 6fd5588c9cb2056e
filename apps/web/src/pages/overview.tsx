// Every bot in one table, live: state, risk, price, inventory, PnL, volume against target,
// open orders, and the actions per bot and for all bots. Rows re-render only when their bot does.
// Each row's figures are that bot's own ledger; the totals come from GET /api/ledger (Σ bots and
// the unattributed activity per quote asset), never from adding account-level figures per bot.
import { memo, useMemo } from 'react';
import type { BotAction, BotSummaryDto } from '@mm/core';
import { errorMessage } from '../lib/api.ts';
import { useAllBotsAction, useBots, useLedger } from '../lib/queries.ts';
import { Link } from '../lib/router.tsx';
import { dec, decimalsOf, isPositive, mid, percentOf, sum } from '../lib/format.ts';
import { chartNumber } from '../lib/chart-number.ts';
import { assetsOf } from '../lib/assets.ts';
import { useNarrow } from '../lib/use-narrow.ts';
import { cx } from '../lib/cx.ts';
import { Button } from '../ui/button.tsx';
import { ConfirmButton } from '../ui/confirm.tsx';
import { Empty, ErrorText, Panel } from '../ui/panel.tsx';
import { Progress } from '../ui/progress.tsx';
import { BotStatePill, ModeBadge, RiskPill } from '../ui/status.tsx';
import { BotActions } from './bot-actions.tsx';
import { LedgerPanel, totalWithUnattributed } from './ledger-overview.tsx';
import type { LedgerTotals } from './ledger-overview.tsx';

export function OverviewPage() {
  const bots = useBots();
  const list = useMemo(() => [...(bots.data ?? [])].sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name)), [bots.data]);
  return (
    <div className="flex flex-col gap-[var(--gap)]">
      <Panel title="Bots" id="bots" actions={<BulkActions bots={list} />} bodyClassName="overflow-x-auto">
        {bots.isError ? <ErrorText>{errorMessage(bots.error)}</ErrorText> : null}
        {bots.isPending ? <Empty>loading…</Empty> : list.length === 0 ? <Empty>No bots yet. Create one to start quoting on paper.</Empty> : <BotTable bots={list} />}
      </Panel>
      <LedgerPanel />
    </div>
  );
}

function BulkActions({ bots }: { bots: readonly BotSummaryDto[] }) {
  const all = useAllBotsAction();
  const run = (a: BotAction) => all.mutateAsync(a);
  const fire = (a: BotAction) => void run(a).catch(() => undefined);
  const none = bots.length === 0;
  const failed = (all.data ?? []).filter((r) => !r.ok);
  const names = new Map(bots.map((b) => [b.id, b.name]));
  return (
    <>
      {all.isError ? <span role="alert" className="text-err">{errorMessage(all.error)}</span> : null}
      {failed.length > 0 ? (
        <span role="status" className="max-w-[28rem] truncate text-pause" title={failed.map((f) => `${names.get(f.id) ?? f.id}: ${f.message ?? 'failed'}`).join('\n')}>
          {failed.length} not done: {failed.map((f) => `${names.get(f.id) ?? f.id}: ${f.message ?? 'failed'}`).join('; ')}
        </span>
      ) : null}
      <span className="text-mute">all bots:</span>
      <Button size="sm" disabled={none || all.isPending} onClick={() => fire('start')}>
        Start all
      </Button>
      <Button size="sm" disabled={none || all.isPending} onClick={() => fire('pause')}>
        Pause all
      </Button>
      <Button size="sm" disabled={none || all.isPending} onClick={() => fire('resume')}>
        Resume all
      </Button>
      <ConfirmButton size="sm" disabled={none} title="Stop every bot?" description={`All ${bots.length} bots cancel their open orders and stop trading.`} confirmLabel="Stop all bots" onConfirm={() => run('stop')}>
        Stop all
      </ConfirmButton>
      <ConfirmButton
        size="sm"
        disabled={none}
        title="Cancel the orders of every bot?"
        description="Every open order of every bot is cancelled now. Running bots quote again at their next refresh."
        confirmLabel="Cancel all orders"
        onConfirm={() => run('cancel-all')}
      >
        Cancel all orders
      </ConfirmButton>
      <Link to="/bots/new" className="ml-2 inline-flex h-6 items-center border border-fg bg-fg px-2 font-medium text-bg hover:bg-white">
        + New bot
      </Link>
    </>
  );
}

function BotTable({ bots }: { bots: readonly BotSummaryDto[] }) {
  return (
    <table className="grid-table" aria-label="Bots">
      <thead>
        <tr>
          <th scope="col">Bot</th>
          <th scope="col">Venue</th>
          <th scope="col">Symbol</th>
          <th scope="col">Mode</th>
          <th scope="col">State</th>
          <th scope="col">Risk</th>
          <th scope="col" title="The runner process that holds the bot's lease and trades it">
            Runner
          </th>
          <th scope="col" className="num">
            Mid
          </th>
          <th scope="col" className="num" title="The bot's own position from its fills; below, the account's quote balance (perps: the venue's position), shared by the account's bots">
            Position
          </th>
          <th scope="col" className="num">
            PnL today
          </th>
          <th scope="col" className="num" title="All-time net of the bot's own fills: realized + unrealized − fees + funding">
            Net
          </th>
          <th scope="col" className="min-w-[13rem]">
            Volume today / target
          </th>
          <th scope="col" className="num">
            Orders
          </th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {bots.map((b) => (
          <BotRow key={b.id} bot={b} />
        ))}
      </tbody>
      <Totals bots={bots} />
    </table>
  );
}

const BotRow = memo(function BotRow({ bot }: { bot: BotSummaryDto }) {
  const s = bot.stats;
  const touch = mid(s?.bestBid, s?.bestAsk);
  // a stopped bot has no book: its last stored mark, with the digits it was stored with
  const price = touch ?? s?.ledger?.mark ?? s?.reference;
  const priceDecimals = touch === undefined ? 6 : Math.max(decimalsOf(s?.bestBid), decimalsOf(s?.bestAsk)) + 1;
  const expectedPct = s ? chartNumber(percentOf(s.volume.expected, s.volume.target)) : undefined;
  const hasTarget = isPositive(s?.volume.target);
  const narrow = useNarrow();
  return (
    <tr data-bot-id={bot.id} aria-label={bot.name}>
      <td>
        <Link to={`/bots/${encodeURIComponent(bot.id)}`} className="text-fg underline-offset-4 hover:underline">
          {bot.name}
        </Link>
        {narrow ? (
          // the table scrolls sideways on a phone: state and net stay in view beside the name
          <div className="flex gap-2 text-[0.85em]">
            <BotStatePill state={bot.state} />
            <span className="text-dim">net {dec(s?.pnl.net, { decimals: 2, sign: true })}</span>
          </div>
        ) : null}
        {bot.error ? (
          <div className="max-w-[16rem] truncate text-[0.85em] text-err" title={bot.error}>
            {bot.error}
          </div>
        ) : null}
      </td>
      <td className="text-dim">
        {bot.venue}
        <span className="text-mute">·{bot.market}</span>
        <div className="text-[0.85em] text-mute">{bot.accountName}</div>
      </td>
      <td>{bot.symbol}</td>
      <td>
        <ModeBadge mode={bot.mode} />
      </td>
      <td>
        <BotStatePill state={bot.state} />
      </td>
      <td>
        <RiskPill state={bot.tradingState} blocked={bot.quotingBlocked} />
      </td>
      <td data-col="runner">
        <RunnerCell bot={bot} />
      </td>
      <td className="num" data-col="mid">
        <span title={touch === undefined && price !== undefined ? 'last stored mark' : undefined}>{dec(price, { maxDecimals: Math.max(priceDecimals, 2) })}</span>
      </td>
      <td className="num" data-col="position">
        <span title="the bot's own position, from its fills">{dec(s?.ledger?.position ?? s?.base, { maxDecimals: 4 })}</span>
        {s?.live ? (
          <div className="text-[0.8em] text-mute" title="the account's holdings, shared by every bot on it">
            {s.position ? <>venue pos {dec(s.position.qty, { maxDecimals: 4 })}</> : <>acct {dec(s.quote, { decimals: 2 })}</>}
          </div>
        ) : null}
      </td>
      <td className="num" data-col="today" title={s && s.pnl.today === undefined ? 'no opening mark for today yet' : undefined}>
        {dec(s?.pnl.today, { decimals: 2, sign: true })}
      </td>
      <td className="num" data-col="net">
        {dec(s?.pnl.net, { decimals: 2, sign: true })}
        {s && !s.live ? (
          <div className="text-[0.8em] text-mute" title="The bot is not running: its figures are the stored ones, valued at the last stored mark">
            last mark
          </div>
        ) : null}
      </td>
      <td>
        <div className="flex items-baseline justify-between gap-2">
          <span>{dec(s?.volume.total, { decimals: 0 })}</span>
          {hasTarget ? <span className="text-mute">/ {dec(s?.volume.target, { decimals: 0 })}</span> : <span className="text-mute">no target</span>}
          <span className="w-12 text-right text-dim">{s && hasTarget ? `${s.volume.progressPct.toFixed(1)}%` : '—'}</span>
        </div>
        <Progress pct={hasTarget ? (s?.volume.progressPct ?? 0) : 0} expectedPct={hasTarget ? expectedPct : undefined} label={`Volume of ${bot.name} against today's target`} className="mt-1" />
      </td>
      <td className="num" data-col="orders">
        {s?.openOrders ?? '—'}
      </td>
      <td>
        <BotActions bot={bot} />
      </td>
    </tr>
  );
});

/** Who trades the bot: its lease holder; a bot that should run but has none is waiting for a runner. */
function RunnerCell({ bot }: { bot: BotSummaryDto }) {
  const lease = bot.lease;
  if (lease === undefined) {
    return bot.desiredState === 'stopped' ? (
      <span className="text-mute" title="stopped, and no runner holds it">
        —
      </span>
    ) : (
      <span className="whitespace-nowrap text-pause" title="no runner holds the bot: it trades once a runner claims it">
        — unclaimed
      </span>
    );
  }
  const expired = lease.expiresInMs < 0;
  return (
    <span className={cx('whitespace-nowrap', expired ? 'text-pause' : 'text-dim')} title={`epoch ${lease.epoch}${expired ? ' · lease expired, waiting for a runner' : ''}`}>
      {lease.runnerName}
      {expired ? ' · expired' : null}
    </span>
  );
}

/** One footer block per quote asset: Σ bots, the unattributed activity, and the total of both. */
function Totals({ bots }: { bots: readonly BotSummaryDto[] }) {
  const ledger = useLedger();
  const totals = ledger.data?.totals ?? [];
  const quotes = [...new Set([...totals.map((t) => t.quoteAsset), ...bots.map((b) => assetsOf(b).quote).filter((q) => q !== '')])];
  const unattributedFills = new Map<string, number>();
  for (const a of ledger.data?.accounts ?? []) unattributedFills.set(a.quoteAsset, (unattributedFills.get(a.quoteAsset) ?? 0) + a.unattributed.fills);
  const missing = ledger.isPending ? '…' : '—';
  const missingTitle = ledger.isError ? `ledger unavailable: ${errorMessage(ledger.error)}` : undefined;
  return (
    <tfoot>
      {quotes.length === 0 ? <TotalsRows quote="" group={bots} t={undefined} fills={0} missing={missing} missingTitle={missingTitle} /> : null}
      {quotes.map((q, i) => (
        // a bot that has not loaded its market yet is counted with the first group (it has no figures)
        <TotalsRows key={q} quote={q} group={bots.filter((b) => assetsOf(b).quote === q || (i === 0 && assetsOf(b).quote === ''))} t={totals.find((t) => t.quoteAsset === q)} fills={unattributedFills.get(q) ?? 0} missing={missing} missingTitle={missingTitle} />
      ))}
    </tfoot>
  );
}

function TotalsRows({ quote, group, t, fills, missing, missingTitle }: { quote: string; group: readonly BotSummaryDto[]; t: LedgerTotals | undefined; fills: number; missing: string; missingTitle: string | undefined }) {
  const running = group.filter((b) => b.state === 'RUNNING').length;
  const held = group.filter((b) => b.lease !== undefined).length;
  const unclaimed = group.filter((b) => b.lease === undefined && b.desiredState !== 'stopped').length;
  const stats = group.map((b) => b.stats);
  const target = sum(stats.map((s) => s?.volume.target));
  const orders = stats.reduce((n, s) => n + (s?.openOrders ?? 0), 0);
  const volume = t?.volumeToday;
  const pct = percentOf(volume, target);
  const money = (v: string | undefined) => (t ? dec(v, { decimals: 2, sign: true }) : <span title={missingTitle}>{missing}</span>);
  const q = quote ? ` ${quote}` : '';
  return (
    <>
      <tr className="border-t border-line-strong font-semibold" aria-label={`Totals${q}`}>
        <td className="whitespace-nowrap">
          Σ bots<span className="font-normal text-dim">{q}</span>
        </td>
        <td colSpan={3} className="text-dim">
          {group.length} bots
        </td>
        <td className="text-dim">{running} running</td>
        <td className="text-dim">{group.filter((b) => b.tradingState !== 'ACTIVE').length} limited</td>
        <td className="whitespace-nowrap text-dim">{unclaimed > 0 ? <span className="text-pause">{unclaimed} unclaimed</span> : `${held} held`}</td>
        <td />
        <td />
        <td className="num" data-col="today">
          {money(t?.netToday)}
        </td>
        <td className="num" data-col="net">
          {money(t?.net)}
        </td>
        <td>
          <div className="flex items-baseline justify-between gap-2">
            <span>{t ? dec(volume, { decimals: 0 }) : missing}</span>
            <span className="text-mute">/ {dec(target, { decimals: 0 })}</span>
            <span className="w-12 text-right text-dim">{pct === undefined ? '—' : `${pct}%`}</span>
          </div>
          <Progress pct={chartNumber(pct) ?? 0} label={`Volume of all bots${q} against today's targets`} className="mt-1" />
        </td>
        <td className="num">{orders}</td>
        <td />
      </tr>
      <tr aria-label={`Unattributed${q}`} className="text-dim">
        <td className="whitespace-nowrap">
          + unattributed<span className="text-mute">{q}</span>
        </td>
        <td colSpan={8} className="text-mute">
          {t ? `${fills} ${fills === 1 ? 'fill' : 'fills'} no bot placed, funding and transfers on the accounts` : ''}
        </td>
        <td />
        <td className="num" data-col="net">
          {money(t?.unattributed)}
        </td>
        <td colSpan={3} />
      </tr>
      <tr aria-label={`Total${q}`} className="font-semibold">
        <td className="whitespace-nowrap">
          = total<span className="font-normal text-dim">{q}</span>
        </td>
        <td colSpan={8} className="font-normal text-mute">
          bots and unattributed activity, each fill counted once
        </td>
        <td />
        <td className="num" data-col="net">
          {money(t ? totalWithUnattributed(t) : undefined)}
        </td>
        <td colSpan={3} />
      </tr>
    </>
  );
}
