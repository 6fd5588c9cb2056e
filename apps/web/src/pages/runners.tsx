// The runner fleet: every runner process that claims bots through leases, its heartbeat, load
// and memory. Polled every 2 s; ages are carried forward between polls from the fetch time.
import type { RunnerDto } from '@mm/core';
import { errorMessage } from '../lib/api.ts';
import { cx } from '../lib/cx.ts';
import { fmtDateTime, fmtDuration, fmtMiB } from '../lib/format.ts';
import { useTimeZone } from '../lib/prefs.ts';
import { useRunners } from '../lib/queries.ts';
import { useNarrow } from '../lib/use-narrow.ts';
import { useNow } from '../lib/use-now.ts';
import { Empty, ErrorText, Panel } from '../ui/panel.tsx';

/** A heartbeat older than this (it beats every 2 s) is shown as a warning. */
const STALE_HEARTBEAT_MS = 5_000;

export default function RunnersPage() {
  const runners = useRunners();
  const list = runners.data ?? [];
  const alive = list.filter((r) => r.alive).length;
  return (
    <Panel title="Runners" id="runners" bodyClassName="overflow-x-auto p-0" actions={runners.data ? <span className="text-dim">{alive} alive</span> : null}>
      {runners.isError ? (
        <div className="px-3 py-2">
          <ErrorText>{errorMessage(runners.error)}</ErrorText>
        </div>
      ) : null}
      {runners.isPending ? (
        <Empty>loading…</Empty>
      ) : list.length === 0 && !runners.isError ? (
        <Empty>
          No runner has reported yet. Start one with <code className="text-fg">npm run runner</code> (see README)
        </Empty>
      ) : list.length > 0 ? (
        <RunnerTable runners={list} fetchedAt={runners.dataUpdatedAt} />
      ) : null}
    </Panel>
  );
}

function RunnerTable({ runners, fetchedAt }: { runners: readonly RunnerDto[]; fetchedAt: number }) {
  const now = useNow(500);
  const tz = useTimeZone();
  const narrow = useNarrow();
  // the server measured the ages when it answered; the page carries them forward until the next poll
  const since = Math.max(0, now - fetchedAt);
  return (
    <table className="grid-table" aria-label="Runners">
      <thead>
        <tr>
          <th scope="col">Runner</th>
          <th scope="col" className="hidden sm:table-cell">
            Host
          </th>
          <th scope="col" className="num hidden sm:table-cell">
            PID
          </th>
          <th scope="col" className="hidden sm:table-cell">
            Version
          </th>
          <th scope="col">State</th>
          <th scope="col" className="num">
            Heartbeat
          </th>
          <th scope="col" className="num" title="Bots whose lease the runner holds">
            Bots
          </th>
          <th scope="col" className="num hidden sm:table-cell" title="Resident set size of the process, MiB">
            RSS MiB
          </th>
          <th scope="col" className="num hidden sm:table-cell" title="JavaScript heap in use, MiB">
            Heap MiB
          </th>
          <th scope="col" className="hidden sm:table-cell">
            Started
          </th>
        </tr>
      </thead>
      <tbody>
        {runners.map((r) => {
          const age = r.heartbeatAgeMs + since;
          const stale = r.stoppedAt === undefined && age > STALE_HEARTBEAT_MS;
          return (
            <tr key={r.id} aria-label={r.name} data-runner-id={r.id} className={cx(r.stoppedAt !== undefined && 'text-mute')}>
              <td>
                <span className={cx('[overflow-wrap:anywhere]', r.stoppedAt === undefined && 'text-fg')}>{r.name}</span>
                {narrow ? (
                  // host, pid, version and memory have no columns on a phone
                  <div className="text-[0.85em] text-mute">
                    <div className="[overflow-wrap:anywhere]">{r.host}</div>
                    <div>
                      pid {r.pid} · v{r.version}
                    </div>
                    <div title="RSS / heap">
                      {memory(r.rssBytes)} / {memory(r.heapBytes)} MiB
                    </div>
                  </div>
                ) : null}
              </td>
              <td className="hidden text-dim sm:table-cell">{r.host}</td>
              <td className="num hidden text-dim sm:table-cell">{r.pid}</td>
              <td className="hidden text-dim sm:table-cell">{r.version}</td>
              <td>
                <RunnerState runner={r} />
              </td>
              <td className={cx('num', stale ? 'text-pause' : 'text-dim')} data-col="heartbeat" title={stale ? `no heartbeat for over ${STALE_HEARTBEAT_MS / 1000} s (it beats every 2 s)` : undefined}>
                {stale ? '⚠ ' : null}
                {fmtDuration(age)} ago
              </td>
              <td className="num" data-col="bots">
                {r.botCount}
              </td>
              <td className="num hidden sm:table-cell" data-col="rss">
                {memory(r.rssBytes)}
              </td>
              <td className="num hidden sm:table-cell" data-col="heap">
                {memory(r.heapBytes)}
              </td>
              <td className="hidden whitespace-nowrap text-dim sm:table-cell">
                {fmtDateTime(r.startedAt, tz)}
                {r.stoppedAt !== undefined ? <div className="text-[0.85em] text-mute">stopped {fmtDateTime(r.stoppedAt, tz)}</div> : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** A runner that never reported its memory (0 bytes) shows a dash, not a measured zero. */
function memory(bytes: number): string {
  return bytes > 0 ? fmtMiB(bytes) : '—';
}

function RunnerState({ runner: r }: { runner: RunnerDto }) {
  // stopped: it said goodbye; not alive without a goodbye: its heartbeat stopped (crashed, cut off)
  const [label, glyph, cls, title] =
    r.stoppedAt !== undefined
      ? ['stopped', '○', 'text-mute', undefined]
      : r.draining
        ? ['draining', '◐', 'text-pause', 'shutting down: handing its bots over']
        : r.alive
          ? ['alive', '●', 'text-run', undefined]
          : ['silent', '✕', 'text-err', 'no heartbeat within the lease TTL: its bots are claimed by other runners'];
  return (
    // on a phone the embedded mark wraps below the state
    <span className="inline-flex flex-wrap items-center gap-1" data-state={label}>
      <span className={cx('inline-flex items-center gap-1 whitespace-nowrap', cls)} title={title}>
        <span aria-hidden="true" className="text-[0.8em]">
          {glyph}
        </span>
        {label}
      </span>
      {r.embedded ? (
        <span className="border border-line-strong px-1 text-[0.85em] text-dim" title="the runner inside the server process (npm start)">
          embedded
        </span>
      ) : null}
    </span>
  );
}
