// Everything that happened: the event log of all bots, and the audit trail of operator actions
// (who did what to which bot, in words; the raw request behind each line on demand).
import type { AuditDto } from '@mm/core';
import { Fragment, useMemo, useState } from 'react';
import { errorMessage } from '../lib/api.ts';
import { auditRefused, auditSentence, rawFields } from '../lib/audit-wording.ts';
import { cx } from '../lib/cx.ts';
import { useAudit, useBots } from '../lib/queries.ts';
import { fmtDateTime } from '../lib/format.ts';
import { useTimeZone } from '../lib/prefs.ts';
import { Button } from '../ui/button.tsx';
import { Empty, ErrorText, Panel } from '../ui/panel.tsx';
import { TabsContent, TabsList, TabsRoot } from '../ui/tabs.tsx';
import { EventLog } from './event-log.tsx';

export default function EventsPage() {
  return (
    <TabsRoot defaultValue="events">
      <TabsList
        label="Log"
        items={[
          { value: 'events', label: 'Events' },
          { value: 'audit', label: 'Audit trail' },
        ]}
      />
      <TabsContent value="events" className="mt-[var(--gap)]">
        <Panel title="Events of all bots" id="all-events" bodyClassName="p-0">
          <EventLog scope={undefined} height="calc(100vh - 14rem)" />
        </Panel>
      </TabsContent>
      <TabsContent value="audit" className="mt-[var(--gap)]">
        <AuditLog />
      </TabsContent>
    </TabsRoot>
  );
}

function AuditLog() {
  const audit = useAudit();
  const tz = useTimeZone();
  const bots = useBots();
  const names = useMemo(() => new Map((bots.data ?? []).map((b) => [b.id, b.name])), [bots.data]);
  const items = useMemo<AuditDto[]>(() => audit.data?.pages.flatMap((p) => p.items) ?? [], [audit.data]);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return (
    <Panel title="Audit trail" id="audit" bodyClassName="p-0">
      {audit.isError ? <ErrorText>{errorMessage(audit.error)}</ErrorText> : null}
      {audit.isPending ? (
        <Empty>loading…</Empty>
      ) : items.length === 0 ? (
        <Empty>No operator actions recorded yet.</Empty>
      ) : (
        <table className="grid-table" aria-label="Audit trail">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">What happened</th>
              <th scope="col" className="hidden sm:table-cell">
                Address
              </th>
              <th scope="col" className="w-0">
                Request
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => {
              const expanded = open.has(a.id);
              const refused = auditRefused(a);
              return (
                <Fragment key={a.id}>
                  <tr data-audit-row="">
                    <td className="text-dim">
                      {/* date and time wrap onto two lines on a narrow screen, never inside either */}
                      {fmtDateTime(a.at, tz)
                        .split(' ')
                        .map((part, i) => (
                          <Fragment key={i}>
                            {i > 0 ? ' ' : null}
                            <span className="whitespace-nowrap">{part}</span>
                          </Fragment>
                        ))}
                    </td>
                    <td className={cx('break-words', refused && 'text-err')}>{auditSentence(a, names)}</td>
                    <td className="hidden text-dim sm:table-cell">{a.ip ?? '—'}</td>
                    <td className="w-0 whitespace-nowrap text-right">
                      <Button size="sm" variant="ghost" aria-expanded={expanded} aria-controls={`audit-raw-${a.id}`} onClick={() => toggle(a.id)}>
                        {expanded ? '▾' : '▸'} raw
                      </Button>
                    </td>
                  </tr>
                  {expanded ? (
                    <tr id={`audit-raw-${a.id}`} className="bg-raised">
                      <td colSpan={4}>
                        <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-0.5 py-1 text-[0.92em]">
                          {rawFields(a).map(([label, value]) => (
                            <Fragment key={label}>
                              <dt className="text-mute">{label}</dt>
                              <dd className="break-all text-dim">{value}</dd>
                            </Fragment>
                          ))}
                        </dl>
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
      {audit.hasNextPage ? (
        <div className="border-t border-line px-3 py-1.5">
          <Button size="sm" onClick={() => void audit.fetchNextPage()}>
            Load older
          </Button>
        </div>
      ) : null}
    </Panel>
  );
}
