// Which runner trades the bot, with its fencing epoch and how fresh the lease is. The lease is
// polled every 2 s; between polls its ages are carried forward from the moment it was fetched.
import type { ReactNode } from 'react';
import { errorMessage } from '../../lib/api.ts';
import { cx } from '../../lib/cx.ts';
import { fmtDuration } from '../../lib/format.ts';
import { useBotLease } from '../../lib/queries.ts';
import { useNow } from '../../lib/use-now.ts';
import { Link } from '../../lib/router.tsx';

export function LeaseLine({ botId, stopped, className }: { botId: string; stopped: boolean; className?: string }) {
  const snapshot = useBotLease(botId);
  const now = useNow(500);
  const box = (tone: string, children: ReactNode) => (
    <div role="group" aria-label="Lease" className={cx('text-[0.9em]', tone, className)}>
      {children}
    </div>
  );
  if (snapshot.isPending) return box('text-mute', 'lease …');
  if (snapshot.isError) return box('text-err', `lease unknown: ${errorMessage(snapshot.error)}`);
  const { lease, at } = snapshot.data;
  if (lease === undefined) {
    return stopped ? box('text-mute', 'not held by a runner') : box('text-pause', '⚠ not held by a runner — waiting for one to claim it');
  }
  const since = Math.max(0, now - at);
  const renewedAgo = lease.renewedAgoMs + since;
  // expiry is the server's judgement (the database clock), never guessed here
  if (lease.expiresInMs < 0) {
    return box(
      'text-pause',
      <>
        ⚠ lease expired — waiting for a runner <span className="text-mute">(last held by {lease.runnerName} · epoch {lease.epoch} · renewed {fmtDuration(renewedAgo)} ago)</span>
      </>,
    );
  }
  return box(
    'text-dim',
    <>
      <span className="text-mute">held by </span>
      <Link to="/runners" className="text-fg underline-offset-4 hover:underline">
        {lease.runnerName}
      </Link>
      <span className="text-mute"> · </span>epoch {lease.epoch}
      <span className="text-mute"> · </span>lease renewed {fmtDuration(renewedAgo)} ago
      <span className="text-mute"> · </span>held {fmtDuration(lease.heldForMs + since)}
    </>,
  );
}
