// Connection state of the live stream, readable without importing the socket code.
import { createStore } from './store.ts';

export type LiveState = 'connecting' | 'open' | 'closed';

export interface LiveStatus {
  readonly state: LiveState;
  /** When the stream was last open (epoch ms), for the stale marker. */
  readonly lastOpenAt: number | undefined;
  readonly disconnectedAt: number | undefined;
  readonly nextRetryAt: number | undefined;
  readonly attempts: number;
}

export const liveStatus = createStore<LiveStatus>({ state: 'connecting', lastOpenAt: undefined, disconnectedAt: undefined, nextRetryAt: undefined, attempts: 0 });

/** True while the socket is open: queries stop polling then. */
export const liveConnected = createStore<boolean>(false);
liveStatus.subscribe(() => liveConnected.set(liveStatus.get().state === 'open'));
