// Every risk limit with its current value, threshold, state and action; active trips; recent
// risk events (trips, clears, denials).
import type { BotDetailDto } from '@mm/core';
import { errorMessage } from '../../lib/api.ts';
import { useRisk } from '../../lib/queries.ts';
import { fmtDateTime } from '../../lib/format.ts';
import { useTimeZone } from '../../lib/prefs.ts';
import { cx } from '../../lib/cx.ts';
import { Empty, ErrorText, Panel } from '../../ui/panel.tsx';
import { RiskPill } from '../../ui/status.tsx';
import { TableHead } from '../../ui/table-head.tsx';

export function RiskPanel({ bot }: { bot: BotDetailDto }) {
  const risk = useRisk(bot.id);
  const tz = useTimeZone();
  const statuses = risk.data?.statuses ?? bot.risk;
  const trips = risk.data?.trips ?? bot.activeTrips;
  const events = risk.data?.events.items ?? [];
  return (
    <Panel title="Risk" id="risk" bodyClassName="p-0" actions={<RiskPill state={bot.tradingState} blocked={bot.quotingBlocked} />}>
      {risk.isError ? <ErrorText>{errorMessage(risk.error)}</ErrorText> : null}
      {trips.length > 0 ? (
        <ul aria-label="Active trips" className="border-b border-line px-3 py-2">
          {trips.map((t) => (
            <li key={`${t.rule}-${t.at}`} className="text-err">
              ▲ {t.rule}: {t.message} <span className="text-dim">({t.value} vs {t.limit} → {t.action}, {fmtDateTime(t.at, tz)})</span>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="max-h-[24rem] overflow-auto">
        {statuses.length === 0 ? (
          <Empty>No risk rules reported yet.</Empty>
        ) : (
          <table className="grid-table" aria-label="Risk limits">
            <TableHead columns={['Limit', ['Value', 'num'], ['Threshold', 'num'], 'State', 'Action']} />
            <tbody>
              {statuses.map((r) => (
                <tr key={r.rule} data-rule={r.rule}>
                  <td title={r.rule}>{r.label}</td>
                  <td className="num">{r.value}</td>
                  <td className="num text-dim">{r.limit}</td>
                  <td className={cx(r.state === 'tripped' ? 'font-semibold text-err' : r.state === 'off' ? 'text-mute' : 'text-dim')}>{r.state === 'tripped' ? 'TRIPPED' : r.state}</td>
                  <td className="text-dim">{r.action}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {events.length > 0 ? (
          <>
            <h3 className="border-t border-line px-3 pt-2 text-[0.8em] tracking-wider text-mute uppercase">Recent risk events</h3>
            <ul aria-label="Risk events" className="px-3 py-1">
              {events.slice(0, 20).map((e, i) => (
                <li key={`${e.id}#${i}`} className="flex gap-2 py-0.5">
                  <span className="shrink-0 text-mute">{fmtDateTime(e.at, tz)}</span>
                  <span className={cx('shrink-0 uppercase', e.type === 'trip' ? 'text-err' : 'text-dim')}>{e.type}</span>
                  <span className="text-dim">{e.rule}</span>
                  <span className="truncate" title={e.message}>
                    {e.message}
                  </span>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
    </Panel>
  );
}
