// The accounting under the overview: totals per quote asset from GET /api/ledger, and per account
// the reconciliation "Σ bots + unattributed = explained" against the venue's own change. A
// mismatch is shown with its difference, never hidden; an unknown says why.
import type { ReactNode } from 'react';
import { fx } from '@mm/core';
import type { AccountLedgerDto, LedgerOverviewDto } from '@mm/core';
import { errorMessage } from '../lib/api.ts';
import { useLedger } from '../lib/queries.ts';
import { Link } from '../lib/router.tsx';
import { dec, fmtDateTime, sum } from '../lib/format.ts';
import { useTimeZone } from '../lib/prefs.ts';
import { cx } from '../lib/cx.ts';
import { Empty, ErrorText, Panel } from '../ui/panel.tsx';

export type LedgerTotals = LedgerOverviewDto['totals'][number];

/** Bots' net plus the unattributed activity: what the accounts made in this quote asset. */
export function totalWithUnattributed(t: LedgerTotals): string {
  return sum([t.net, t.unattributed]);
}

const pnl = (v: string | undefined) => dec(v, { decimals: 2, sign: true });
/** Every digit the server sends (up to 8 places, no trailing zeros): a small difference must stay visible. */
function exact(v: string | undefined): string {
  const p = v === undefined ? undefined : fx.tryParse(v);
  if (p === undefined) return dec(v);
  return p === 0n ? '0.00' : dec(fx.format(fx.roundToDecimals(p, 8, 'half-up')), { sign: true });
}

export function LedgerPanel() {
  const ledger = useLedger();
  const data = ledger.data;
  return (
    <Panel title="Accounting: bots + unattributed against each account" id="ledger">
      {ledger.isError ? <ErrorText>The ledger cannot be loaded: {errorMessage(ledger.error)}</ErrorText> : null}
      {!data ? (
        ledger.isPending ? <Empty>loading…</Empty> : null
      ) : (
        <div className="flex flex-col gap-3">
          {data.totals.length === 0 ? <p className="text-mute">No figures yet: no bot has traded.</p> : data.totals.map((t) => <TotalsLine key={t.quoteAsset} t={t} />)}
          {data.accounts.length === 0 ? null : (
            <ul aria-label="Account reconciliation" className="flex flex-col divide-y divide-line border-t border-line">
              {data.accounts.map((a) => (
                <AccountLine key={`${a.accountId}|${a.quoteAsset}`} a={a} />
              ))}
            </ul>
          )}
        </div>
      )}
    </Panel>
  );
}

function Term({ label, children, strong }: { label: string; children: ReactNode; strong?: boolean }) {
  return (
    <span className="whitespace-nowrap">
      <span className="text-mute">{label} </span>
      <span className={strong ? 'font-semibold text-fg' : 'text-fg'}>{children}</span>
    </span>
  );
}

const Op = ({ children }: { children: string }) => <span className="text-mute">{children}</span>;

function TotalsLine({ t }: { t: LedgerTotals }) {
  return (
    <section aria-label={`Totals ${t.quoteAsset}`} className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
      <span className="min-w-[5rem] font-semibold">{t.quoteAsset}</span>
      <Term label="bots net">{pnl(t.net)}</Term>
      <Op>=</Op>
      <Term label="realized">{pnl(t.realized)}</Term>
      <Op>+</Op>
      <Term label="unrealized">{pnl(t.unrealized)}</Term>
      <Op>−</Op>
      <Term label="fees">{dec(t.fees, { decimals: 2 })}</Term>
      <Op>+</Op>
      <Term label="funding">{pnl(t.funding)}</Term>
      <span className="text-line-strong">│</span>
      <Term label="unattributed">{pnl(t.unattributed)}</Term>
      <Term label="total" strong>
        {pnl(totalWithUnattributed(t))}
      </Term>
      <span className="text-line-strong">│</span>
      <Term label="net today">{pnl(t.netToday)}</Term>
      <span className="whitespace-nowrap">
        <Term label="volume today">{dec(t.volumeToday, { decimals: 0 })}</Term> <Op>·</Op> <Term label="all-time">{dec(t.volumeAllTime, { decimals: 0 })}</Term>
      </span>
    </section>
  );
}

const STATUS_TEXT: Record<AccountLedgerDto['status'], { label: string; cls: string }> = {
  ok: { label: '✓ OK', cls: 'text-run' },
  mismatch: { label: '✕ MISMATCH', cls: 'text-err' },
  unknown: { label: '? UNKNOWN', cls: 'text-pause' },
};

function AccountLine({ a }: { a: AccountLedgerDto }) {
  const tz = useTimeZone();
  const q = a.quoteAsset;
  const botsChange = sum(a.bots.map((b) => b.change));
  const u = a.unattributed;
  const status = STATUS_TEXT[a.status];
  const unvalued = Object.entries(a.unvalued);
  return (
    <li aria-label={`Account ${a.accountName} ${q}`} data-status={a.status} className="flex flex-col gap-1 pt-2">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span className="font-semibold">
          {a.accountName} <span className="font-normal text-dim">{q}</span>
        </span>
        <span className={cx('whitespace-nowrap font-semibold', status.cls)} data-col="status">
          {status.label}
        </span>
        <span className="text-mute">{a.since === undefined ? 'no baseline yet' : `since ${fmtDateTime(a.since, tz)}`}</span>
        {a.status === 'ok' && a.message ? <span className="text-mute">· {a.message}</span> : null}
      </div>
      <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1" aria-label="Reconciliation">
        <Term label="bots">{pnl(botsChange)}</Term>
        <Op>+</Op>
        <Term label="unattributed">{pnl(u.change)}</Term>
        <Op>=</Op>
        <Term label="explained" strong>
          {pnl(a.explained)}
        </Term>
        <Op>vs</Op>
        <Term label="account change" strong>
          {a.accountChange === undefined ? 'unknown' : pnl(a.accountChange)}
        </Term>
        <Term label="difference">{a.difference === undefined ? '—' : exact(a.difference)}</Term>
      </div>
      {a.status === 'mismatch' ? (
        <p role="alert" className="text-err">
          Mismatch of {exact(a.difference)} {q}: the account changed by {exact(a.accountChange)} but its bots and unattributed activity explain {exact(a.explained)}. A missed fill or an
          unreported transfer shows here.{a.message ? ` ${a.message}` : ''}
        </p>
      ) : a.status === 'unknown' ? (
        <p className="text-pause">Not reconciled: {a.message || 'the account change is not known yet.'}</p>
      ) : null}
      <div className="flex flex-wrap gap-x-4 gap-y-1 text-[0.9em] text-dim">
        <span className="text-mute">{a.bots.length === 0 ? 'no bots' : "each bot since the baseline, at the account's marks:"}</span>
        {a.bots.map((b) => (
          <span key={b.botId} className="min-w-0 break-words">
            <Link to={`/bots/${encodeURIComponent(b.botId)}`} className="text-fg underline-offset-4 hover:underline">
              {b.name}
            </Link>{' '}
            <span className="text-mute">{b.symbol}</span> {pnl(b.change)}
          </span>
        ))}
      </div>
      <div className="text-[0.9em] text-dim" aria-label="Unattributed activity">
        <span className="text-mute">unattributed </span>
        {u.fills} {u.fills === 1 ? 'fill' : 'fills'} (volume {dec(u.volume, { decimals: 2 })}) · trades {pnl(u.trades)} · funding {pnl(u.funding)} · transfers {pnl(u.transfers)} = {pnl(u.change)}
        <span className="text-mute"> · fills no bot placed, funding not owned by a bot, transfers</span>
      </div>
      {unvalued.length > 0 ? (
        <div className="text-[0.9em] text-pause">
          changed but not valued (no mark): {unvalued.map(([asset, qty]) => `${exact(qty)} ${asset}`).join(' · ')}
        </div>
      ) : null}
    </li>
  );
}
