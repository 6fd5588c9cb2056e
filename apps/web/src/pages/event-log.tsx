// The event and error log of one bot or of all: level filter, text search (server side),
// newest first, live, paged backwards.
import { useEffect, useMemo, useState } from 'react';
import type { EventDto } from '@mm/core';
import { errorMessage } from '../lib/api.ts';
import { useBots, useEvents } from '../lib/queries.ts';
import type { EventFilters } from '../lib/queries.ts';
import { fmtDateTime } from '../lib/format.ts';
import { useTimeZone } from '../lib/prefs.ts';
import { cx } from '../lib/cx.ts';
import { Empty, ErrorText } from '../ui/panel.tsx';
import { LevelText } from '../ui/status.tsx';
import { FilterSelect } from '../ui/filter-select.tsx';
import { PageFooter } from '../ui/page-footer.tsx';

const LEVELS = [
  { value: '', label: 'all' },
  { value: 'info', label: 'info+' },
  { value: 'warn', label: 'warn+' },
  { value: 'error', label: 'error' },
] as const;

export function EventLog({ scope, height = '32rem' }: { scope: string | undefined; height?: string }) {
  const tz = useTimeZone();
  const [level, setLevel] = useState('');
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [botId, setBotId] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setQ(text.trim()), 300);
    return () => clearTimeout(t);
  }, [text]);
  const filters = useMemo<EventFilters>(() => ({ ...(level ? { level } : {}), ...(q ? { q } : {}), ...(scope === undefined && botId ? { botId } : {}) }), [level, q, botId, scope]);
  const events = useEvents(scope, filters);
  const items = useMemo(() => events.data?.pages.flatMap((p) => p.items) ?? [], [events.data]);
  const bots = useBots();
  const names = useMemo(() => new Map((bots.data ?? []).map((b) => [b.id, b.name])), [bots.data]);
  return (
    <div className="flex flex-col">
      <div className="flex flex-wrap items-center gap-2 border-b border-line px-3 py-1.5">
        <div role="radiogroup" aria-label="Level" className="flex">
          {LEVELS.map((l) => (
            <button
              key={l.value}
              type="button"
              role="radio"
              aria-checked={level === l.value}
              onClick={() => setLevel(l.value)}
              className={cx('border border-line px-2 py-0.5 text-[0.9em]', level === l.value ? 'border-fg text-fg' : 'text-dim hover:text-fg')}
            >
              {l.label}
            </button>
          ))}
        </div>
        <input type="search" aria-label="Search events" placeholder="search…" value={text} onChange={(e) => setText(e.target.value)} className="min-w-0 flex-1" />
        {scope === undefined ? (
          <FilterSelect label="Bot" value={botId} onChange={setBotId} options={[['', 'all'], ...(bots.data ?? []).map((b) => [b.id, b.name] as const)]} />
        ) : null}
      </div>
      {events.isError ? <ErrorText>{errorMessage(events.error)}</ErrorText> : null}
      <div className="overflow-auto" style={{ maxHeight: height }}>
        {events.isPending ? (
          <Empty>loading…</Empty>
        ) : items.length === 0 ? (
          <Empty>No events{level || q ? ' match the filters' : ''}.</Empty>
        ) : (
          <ol aria-label="Events" className="divide-y divide-line/60">
            {items.map((e, i) => (
              <EventRow key={`${e.id}#${i}`} event={e} tz={tz} botName={scope === undefined && e.botId ? (names.get(e.botId) ?? e.botId) : undefined} />
            ))}
          </ol>
        )}
      </div>
      <PageFooter query={events} shown={items.length} noun="events" />
    </div>
  );
}

function EventRow({ event, tz, botName }: { event: EventDto; tz: string; botName: string | undefined }) {
  const details = event.details ? JSON.stringify(event.details) : undefined;
  return (
    <li className={cx('flex flex-wrap gap-x-3 gap-y-0.5 px-3 py-[var(--row-py)] md:flex-nowrap', event.level === 'error' && 'bg-err/5')} title={details}>
      <span className="shrink-0 text-mute">{fmtDateTime(event.at, tz)}</span>
      <span className="w-12 shrink-0">
        <LevelText level={event.level} />
      </span>
      {/* a bot's name is shown whole (it wraps), never cut */}
      {botName !== undefined ? <span className="min-w-0 break-words text-dim md:w-44 md:shrink-0">{botName}</span> : null}
      <span className="min-w-0 break-all text-dim md:w-32 md:shrink-0">{event.kind}</span>
      <span className="min-w-0 basis-full break-words md:basis-auto">{event.message}</span>
    </li>
  );
}
