// Everything that happened: the event log of all bots, and the audit trail of operator actions.
import type { AuditDto } from '@mm/core';
import { useMemo } from 'react';
import { errorMessage } from '../lib/api.ts';
import { useAudit } from '../lib/queries.ts';
import { fmtDateTime } from '../lib/format.ts';
import { useTimeZone } from '../lib/prefs.ts';
import { Button } from '../ui/button.tsx';
import { Empty, ErrorText, Panel } from '../ui/panel.tsx';
import { TabsContent, TabsList, TabsRoot } from '../ui/tabs.tsx';
import { EventLog } from './event-log.tsx';
import { TableHead } from '../ui/table-head.tsx';

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
  const items = useMemo<AuditDto[]>(() => audit.data?.pages.flatMap((p) => p.items) ?? [], [audit.data]);
  return (
    <Panel title="Audit trail" id="audit" bodyClassName="p-0">
      {audit.isError ? <ErrorText>{errorMessage(audit.error)}</ErrorText> : null}
      {audit.isPending ? (
        <Empty>loading…</Empty>
      ) : items.length === 0 ? (
        <Empty>No operator actions recorded yet.</Empty>
      ) : (
        <table className="grid-table" aria-label="Audit trail">
          <TableHead columns={['Time', 'User', 'IP', 'Action', 'Target', 'Details']} />
          <tbody>
            {items.map((a) => (
              <tr key={a.id}>
                <td className="text-dim">{fmtDateTime(a.at, tz)}</td>
                <td>{a.user}</td>
                <td className="text-dim">{a.ip ?? '—'}</td>
                <td>{a.action}</td>
                <td className="text-dim">{a.target ?? '—'}</td>
                <td className="max-w-[40rem] truncate text-mute" title={a.details ? JSON.stringify(a.details) : undefined}>
                  {a.details ? JSON.stringify(a.details) : ''}
                </td>
              </tr>
            ))}
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
