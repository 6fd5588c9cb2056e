// One bot, everything the engine knows about it: header with actions, key figures, price chart
// with our levels, order book, its ledger (PnL from its own fills), open orders, fills, inventory
// and PnL chart, hourly volume, risk, log. A stopped bot shows its stored figures.
import { Suspense, lazy, useEffect } from 'react';
import { fx } from '@mm/core';
import type { BotDetailDto } from '@mm/core';
import { errorMessage } from '../../lib/api.ts';
import { useBot, useDeleteBot } from '../../lib/queries.ts';
import { subscribeBot } from '../../lib/live.ts';
import { Link, navigate } from '../../lib/router.tsx';
import { dec, isPositive, mid, stepDecimals } from '../../lib/format.ts';
import { assetsOf } from '../../lib/assets.ts';
import { ConfirmButton } from '../../ui/confirm.tsx';
import { Empty, ErrorText, Panel, Stat } from '../../ui/panel.tsx';
import { BotStatePill, ModeBadge, RiskPill } from '../../ui/status.tsx';
import { Progress } from '../../ui/progress.tsx';
import { BotActions } from '../bot-actions.tsx';
import { BookLadder } from './book-ladder.tsx';
import { OpenOrdersPanel } from './orders-panel.tsx';
import { FillsPanel } from './fills-panel.tsx';
import { VolumePanel } from './volume-panel.tsx';
import { RiskPanel } from './risk-panel.tsx';
import { LedgerPanel, NotLiveNote } from './ledger-panel.tsx';
import { ClosePositionButton } from './close-position.tsx';
import { EventLog } from '../event-log.tsx';
import { LeaseLine } from './lease-line.tsx';

// the charts (lightweight-charts) load in their own chunk
const PriceChart = lazy(() => import('./price-chart.tsx'));
const HistoryChart = lazy(() => import('./history-chart.tsx'));

export default function BotPage({ botId }: { botId: string }) {
  const bot = useBot(botId);
  useEffect(() => {
    subscribeBot(botId);
    return () => subscribeBot(undefined);
  }, [botId]);
  if (bot.isPending) return <Empty>loading…</Empty>;
  if (bot.isError) return <ErrorText>{errorMessage(bot.error)}</ErrorText>;
  const b = bot.data;
  const priceDecimals = stepDecimals(b.instrument?.tickSize);
  const qtyDecimals = stepDecimals(b.instrument?.lotSize);
  return (
    <div className="flex flex-col gap-[var(--gap)]">
      <BotHeader bot={b} />
      <KeyFigures bot={b} />
      <div className="grid gap-[var(--gap)] xl:grid-cols-[minmax(0,1fr)_22rem]">
        <Panel title="Price and our orders" id="price">
          <Suspense fallback={<div className="h-[440px]" />}>
            <PriceChart bot={b} />
          </Suspense>
        </Panel>
        <BookLadder botId={b.id} reference={b.stats?.reference} priceDecimals={priceDecimals} qtyDecimals={qtyDecimals} />
      </div>
      <div className="grid gap-[var(--gap)] xl:grid-cols-2">
        <LedgerPanel bot={b} />
        <Panel title="Inventory and PnL" id="history">
          <Suspense fallback={<div className="h-[300px]" />}>
            <HistoryChart bot={b} />
          </Suspense>
        </Panel>
      </div>
      <div className="grid gap-[var(--gap)] xl:grid-cols-2">
        <OpenOrdersPanel botId={b.id} reference={b.stats?.reference} priceDecimals={priceDecimals} qtyDecimals={qtyDecimals} />
        <VolumePanel botId={b.id} />
      </div>
      <div className="grid gap-[var(--gap)] xl:grid-cols-2">
        <FillsPanel botId={b.id} priceDecimals={priceDecimals} qtyDecimals={qtyDecimals} />
        <RiskPanel bot={b} />
      </div>
      <Panel title="Event log" id="log" bodyClassName="p-0">
        <EventLog scope={b.id} height="24rem" />
      </Panel>
    </div>
  );
}

function BotHeader({ bot }: { bot: BotDetailDto }) {
  const del = useDeleteBot();
  const stopped = bot.state === 'STOPPED' || bot.state === 'ERROR';
  return (
    <section aria-label="Bot" className="flex flex-wrap items-center gap-x-5 gap-y-2 border border-line bg-panel px-4 py-3">
      <div>
        <p className="text-[0.8em] text-mute">
          <Link to="/" className="hover:text-fg">
            bots
          </Link>{' '}
          / {bot.venue}·{bot.market} / {bot.accountName}
        </p>
        <h1 className="text-lg font-semibold">
          {bot.name} <span className="font-normal text-dim">{bot.symbol}</span>
        </h1>
      </div>
      <ModeBadge mode={bot.mode} />
      <div>
        <span className="mr-1 text-mute">state</span>
        <BotStatePill state={bot.state} />
      </div>
      <div>
        <span className="mr-1 text-mute">risk</span>
        <RiskPill state={bot.tradingState} blocked={bot.quotingBlocked} />
      </div>
      <div className="text-mute">config v{bot.configVersion}</div>
      {bot.error ? (
        <p role="alert" className="basis-full text-err">
          {bot.error}
        </p>
      ) : null}
      <div className="ml-auto flex flex-wrap items-center gap-1">
        <BotActions bot={bot} size="md" extended />
        <Link to={`/bots/${encodeURIComponent(bot.id)}/edit`} className="inline-flex h-7 items-center border border-line-strong bg-raised px-3 hover:border-dim">
          Edit config
        </Link>
        <ConfirmButton
          variant="danger"
          ariaLabel={`Delete ${bot.name}`}
          title={`Delete ${bot.name}?`}
          description={
            <>
              {stopped ? null : <p className="mb-2">The bot is stopped first: all its open orders on {bot.symbol} are cancelled.</p>}
              <p>
                {stopped ? 'It' : 'Then it'} is archived and leaves the dashboard, and so do its figures (PnL, fees, volume, position) and its history (orders, fills, charts). The stored records stay in
                the database.
              </p>
            </>
          }
          confirmLabel="Delete bot"
          onConfirm={async () => {
            await del.mutateAsync(bot.id);
            navigate('/');
          }}
        >
          Delete
        </ConfirmButton>
      </div>
      <LeaseLine botId={bot.id} stopped={bot.desiredState === 'stopped'} className="basis-full" />
    </section>
  );
}

/** A perp bot that is not running but still holds a position: said plainly, with entry and unrealized at the last mark. */
function StoppedPosition({ bot, priceDecimals }: { bot: BotDetailDto; priceDecimals: number }) {
  const l = bot.stats?.ledger;
  const qty = l === undefined ? undefined : fx.tryParse(l.position);
  if (bot.market !== 'perp' || l === undefined || qty === undefined || qty === 0n) return null;
  const base = l.baseAsset || bot.baseAsset || 'base';
  const quote = l.quoteAsset || bot.quoteAsset || 'quote';
  // only a stopped bot closes on its own; a running one closes with its stop
  const closable = bot.state === 'STOPPED';
  return (
    <div role="status" aria-label="Open position" className="mb-3 border border-pause/60 px-3 py-2 text-pause">
      <p>
        Open position left at the venue:{' '}
        <span className={qty > 0n ? 'text-buy' : 'text-sell'}>
          {dec(l.position, { maxDecimals: 8 })} {base} {qty > 0n ? 'long' : 'short'}
        </span>{' '}
        · entry {dec(l.averageEntry, { decimals: priceDecimals + 2 })} · unrealized {dec(l.unrealized, { decimals: 2, sign: true })} {quote}
        {l.mark === undefined ? ' (no mark stored)' : ` at the last mark ${dec(l.mark, { maxDecimals: priceDecimals + 2 })}`}. The stopped bot does not watch it: start the bot again, or close it
        {closable ? ' here (reduce-only, within a slippage bound) or at the venue.' : ' at the venue.'}
      </p>
      {closable ? (
        <div className="mt-2">
          <ClosePositionButton bot={bot} position={l.position} base={base} />
        </div>
      ) : null}
    </div>
  );
}

function KeyFigures({ bot }: { bot: BotDetailDto }) {
  const s = bot.stats;
  const l = s?.ledger;
  const assets = assetsOf(bot);
  const base = assets.base || 'base';
  const quote = assets.quote || 'quote';
  const priceDecimals = stepDecimals(bot.instrument?.tickSize) ?? 4;
  const live = s?.live ?? false;
  // a bot that never ran has no stats yet: its target comes from the config, as on the volume panel
  const target = s?.volume.target ?? (bot.config.volume.enabled ? bot.config.volume.dailyTargetQuote : undefined);
  return (
    <section aria-label="Key figures" className="border border-line bg-panel px-4 py-3">
      {s && !live ? (
        <p className="mb-2">
          <NotLiveNote bot={bot} />
        </p>
      ) : null}
      {!live ? <StoppedPosition bot={bot} priceDecimals={priceDecimals} /> : null}
      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 sm:grid-cols-4 lg:grid-cols-8">
        <Stat label="Mid" sub={live ? `ref ${dec(s?.reference, { maxDecimals: priceDecimals + 2 })}` : `last mark ${dec(l?.mark ?? s?.reference, { maxDecimals: priceDecimals + 2 })}`}>
          {dec(mid(s?.bestBid, s?.bestAsk), { maxDecimals: priceDecimals + 1 })}
        </Stat>
        <Stat label="Bid / Ask">
          <span className="text-buy">{dec(s?.bestBid, { decimals: priceDecimals })}</span> <span className="text-mute">/</span> <span className="text-sell">{dec(s?.bestAsk, { decimals: priceDecimals })}</span>
        </Stat>
        <Stat label={`Position ${base}`} sub={s?.position ? `venue position ${dec(s.position.qty)}` : l?.averageEntry === undefined ? 'from its own fills' : `avg entry ${dec(l.averageEntry, { decimals: priceDecimals + 2 })}`}>
          {dec(l?.position ?? s?.base, { maxDecimals: 6 })}
        </Stat>
        <Stat label={`Account ${quote}`} sub={live ? 'shared by its bots' : 'as stored'}>
          {dec(s?.quote, { decimals: 2 })}
        </Stat>
        <Stat label="Account equity" sub={live ? quote : `${quote}, as stored`}>
          {dec(s?.equity, { decimals: 2 })}
        </Stat>
        <Stat label="PnL today" sub={`net ${dec(s?.pnl.net, { decimals: 2, sign: true })}`}>
          {dec(s?.pnl.today, { decimals: 2, sign: true })}
        </Stat>
        <Stat label="Realized / fees" sub={`unrealized ${dec(s?.pnl.unrealized, { decimals: 2, sign: true })}`}>
          {dec(s?.pnl.realized, { decimals: 2, sign: true })} / {dec(s?.pnl.fees, { decimals: 2 })}
        </Stat>
        <Stat label="Open orders">{s?.openOrders ?? '—'}</Stat>
        {s?.position ? (
          <>
            <Stat label="Venue entry">{dec(s.position.entryPrice)}</Stat>
            <Stat label="Venue unrealized">{dec(s.position.unrealizedPnl, { decimals: 2, sign: true })}</Stat>
            <Stat label="Liquidation">{dec(s.position.liquidationPrice)}</Stat>
            <Stat label="ADL quantile">{s.position.adlQuantile ?? '—'}</Stat>
          </>
        ) : null}
        <div className="col-span-2 sm:col-span-4 lg:col-span-8">
          <div className="mb-1 flex flex-wrap justify-between gap-2 text-[0.9em]">
            <span>
              <span className="text-mute">VOLUME TODAY </span>
              {dec(s?.volume.total ?? '0', { decimals: 2 })} <span className="text-mute">{isPositive(target) ? `/ ${dec(target, { decimals: 0 })} ${quote}` : `${quote} · no target`}</span>
            </span>
            <span className="text-dim">
              maker {dec(s?.volume.maker, { decimals: 0 })} · taker {dec(s?.volume.taker, { decimals: 0 })} · volume leg {dec(s?.volume.volumeLeg, { decimals: 0 })} · expected now {dec(s?.volume.expected, { decimals: 0 })} ·{' '}
              {s ? `${s.volume.progressPct.toFixed(1)}%` : '—'}
            </span>
          </div>
          <Progress pct={s?.volume.progressPct ?? 0} label="Volume today against target" />
        </div>
      </dl>
    </section>
  );
}
