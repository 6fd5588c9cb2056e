// The frame of every page: navigation, the live/stale marker, the session and logout. On a
// phone the navigation takes a second row of the header (it scrolls sideways if it still does
// not fit), so the header never makes the page wider than the screen.
import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { SessionDto } from '@mm/core';
import { api } from '../lib/api.ts';
import { keys, useHealth } from '../lib/queries.ts';
import { Link, navigate, useLocation } from '../lib/router.tsx';
import { liveStatus } from '../lib/live-status.ts';
import type { LiveStatus } from '../lib/live-status.ts';
import { useStore } from '../lib/store.ts';
import { fmtTime } from '../lib/format.ts';
import { useTimeZone } from '../lib/prefs.ts';
import { cx } from '../lib/cx.ts';
import { useNow } from '../lib/use-now.ts';
import { Button } from '../ui/button.tsx';

const NAV = [
  { to: '/', label: 'Overview' },
  { to: '/accounts', label: 'Accounts' },
  { to: '/runners', label: 'Runners' },
  { to: '/events', label: 'Events' },
  { to: '/settings', label: 'Settings' },
];

export function Layout({ session, children }: { session: SessionDto; children: ReactNode }) {
  const { path } = useLocation();
  const qc = useQueryClient();
  const health = useHealth();
  useEffect(() => {
    const page = path.startsWith('/bots/new') ? 'New bot' : path.startsWith('/bots/') ? 'Bot' : (NAV.find((n) => n.to !== '/' && path.startsWith(n.to))?.label ?? 'Overview');
    document.title = `${page} · MM engine`;
  }, [path]);
  const logout = async () => {
    try {
      await api.post('/api/auth/logout');
    } finally {
      // the login page replaces the dashboard; nothing of the session stays in memory
      qc.setQueryData(keys.me, null);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' && q.queryKey[0] !== 'setup' });
      navigate('/', { replace: true });
    }
  };
  return (
    <div className="min-h-screen">
      <header className="sticky top-0 z-30 flex min-h-10 flex-wrap items-center gap-x-2 border-b border-line bg-bg/95 px-2 backdrop-blur sm:flex-nowrap sm:gap-x-4 sm:px-4">
        <Link to="/" className="flex h-10 items-center font-semibold tracking-[0.18em] text-fg">
          ▌MM
        </Link>
        <nav aria-label="Main" className="order-last -mx-1 flex min-w-0 basis-full gap-1 overflow-x-auto pb-1 sm:order-none sm:mx-0 sm:basis-auto sm:pb-0">
          {NAV.map((n) => {
            const active = n.to === '/' ? path === '/' || path.startsWith('/bots') : path.startsWith(n.to);
            return (
              <Link key={n.to} to={n.to} aria-current={active ? 'page' : undefined} className={cx('shrink-0 px-1 py-1 sm:px-2', active ? 'text-fg underline underline-offset-4' : 'text-dim hover:text-fg')}>
                {n.label}
              </Link>
            );
          })}
        </nav>
        <div className="ml-auto flex shrink-0 items-center gap-2 sm:gap-4">
          {health.data ? (
            <span className="hidden text-dim sm:inline" title={`database ${health.data.database} · v${health.data.version}`}>
              {health.data.bots.running}/{health.data.bots.total} running
              {health.data.bots.error > 0 ? <span className="ml-2 text-err">{health.data.bots.error} error</span> : null}
              {health.data.status !== 'ok' ? <span className="ml-2 text-pause">degraded</span> : null}
            </span>
          ) : null}
          <LiveIndicator />
          <span className="hidden text-dim sm:inline">{session.username}</span>
          <Button size="sm" variant="ghost" onClick={() => void logout()}>
            Log out
          </Button>
        </div>
      </header>
      <StaleBanner />
      <main className="mx-auto max-w-[1800px] p-[var(--gap)]">{children}</main>
    </div>
  );
}

function LiveIndicator() {
  const s = useStore(liveStatus);
  if (s.state === 'open')
    return (
      <span className="text-dim" data-live="open" title="Live updates connected">
        <span className="text-run">●</span>
        <span className="hidden sm:inline"> live</span>
      </span>
    );
  return (
    <span className="text-pause" data-live={s.state}>
      ○ {s.state === 'connecting' ? 'connecting' : 'STALE'}
    </span>
  );
}

function StaleBanner() {
  const s = useStore(liveStatus);
  return s.state !== 'open' && s.disconnectedAt !== undefined ? <StaleNotice status={s} /> : null;
}

/** Mounted only while the stream is down, so the once-a-second countdown ticks only then. */
function StaleNotice({ status: s }: { status: LiveStatus }) {
  const tz = useTimeZone();
  const now = useNow(1000);
  const retryIn = s.nextRetryAt === undefined ? undefined : Math.max(0, Math.ceil((s.nextRetryAt - now) / 1000));
  return (
    <div role="alert" data-testid="stale-banner" className="border-b border-pause/60 bg-pause/10 px-4 py-1.5 text-pause">
      STALE — live updates lost at {fmtTime(s.disconnectedAt, tz)}; figures below may be out of date.{' '}
      {s.state === 'connecting' ? 'Reconnecting…' : retryIn !== undefined ? `Reconnecting in ${retryIn}s (attempt ${s.attempts}).` : ''}
    </div>
  );
}
