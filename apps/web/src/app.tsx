// Who sees what: first-run setup, then login, then the dashboard with its pages.
import { Suspense, lazy, useEffect } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { SessionDto } from '@mm/core';
import { errorMessage } from './lib/api.ts';
import { useMe, useSetupState, useSettings } from './lib/queries.ts';
import { match, useLocation } from './lib/router.tsx';
import { startLive } from './lib/live.ts';
import { setDisplayPrefs } from './lib/prefs.ts';
import { Layout } from './pages/layout.tsx';
import { LoginPage, SetupPage } from './pages/auth.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { Button } from './ui/button.tsx';

const BotPage = lazy(() => import('./pages/bot/bot-page.tsx'));
const BotFormPage = lazy(() => import('./pages/bot-form/bot-form-page.tsx'));
const AccountsPage = lazy(() => import('./pages/accounts.tsx'));
const SettingsPage = lazy(() => import('./pages/settings.tsx'));
const EventsPage = lazy(() => import('./pages/events.tsx'));
const RunnersPage = lazy(() => import('./pages/runners.tsx'));

export function App() {
  const setup = useSetupState();
  const needsSetup = setup.data?.needsSetup;
  const me = useMe(setup.isSuccess && needsSetup === false);

  // a session we already have survives a failed re-check (server restarting): the dashboard
  // stays up with its stale marker instead of being replaced by an error page
  if (me.data) return <Dashboard session={me.data} />;
  if (setup.isPending || (needsSetup === false && me.isPending)) return <Splash>connecting…</Splash>;
  if ((setup.isError && setup.data === undefined) || me.isError) {
    return (
      <Splash>
        <p role="alert" className="mb-3 text-err">
          {errorMessage(setup.error ?? me.error)}
        </p>
        <Button onClick={() => void (setup.isError ? setup.refetch() : me.refetch())}>Retry</Button>
      </Splash>
    );
  }
  if (needsSetup) return <SetupPage />;
  return <LoginPage />;
}

function Dashboard({ session }: { session: SessionDto }) {
  const qc = useQueryClient();
  useEffect(() => startLive(qc), [qc]);
  const settings = useSettings();
  const display = settings.data?.display;
  useEffect(() => {
    if (display) setDisplayPrefs({ timezone: display.timezone, density: display.density });
  }, [display]);
  return (
    <Layout session={session}>
      <Suspense fallback={<p className="p-6 text-mute">loading…</p>}>
        <Routes />
      </Suspense>
    </Layout>
  );
}

function Routes() {
  const { path } = useLocation();
  if (path === '/' || path === '') return <OverviewPage />;
  if (path === '/bots/new') return <BotFormPage />;
  let m = match('/bots/:id/edit', path);
  if (m) return <BotFormPage key={m.id} botId={m.id} />;
  m = match('/bots/:id', path);
  if (m) return <BotPage key={m.id} botId={m.id!} />;
  if (path === '/accounts') return <AccountsPage />;
  if (path === '/settings') return <SettingsPage />;
  if (path === '/events') return <EventsPage />;
  if (path === '/runners') return <RunnersPage />;
  return <p className="p-6 text-dim">Nothing here. <a className="underline" href="/">Back to the overview</a></p>;
}

function Splash({ children }: { children: ReactNode }) {
  return <main className="flex min-h-screen flex-col items-center justify-center text-dim">{children}</main>;
}
