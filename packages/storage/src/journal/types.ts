// What storage needs from the engine's side besides the BotJournal port (which lives in
// @mm/core): the BotManager's event bus, restated structurally because storage may import only
// @mm/core. contract.test.ts checks at compile time that the engine's bus still satisfies it.

import type { StatsInput } from '../rows.ts';

/** The events the BotManager bus carries that storage keeps (structural: any bus with `on`). */
export interface BotEventSource {
  on(topic: 'log', handler: (e: { readonly botId: string; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly message: string; readonly at: number; readonly details?: Readonly<Record<string, unknown>> }) => void): () => void;
  on(topic: 'state', handler: (e: { readonly botId: string; readonly state: string; readonly previous: string; readonly reason?: string; readonly at: number }) => void): () => void;
  on(
    topic: 'risk',
    handler: (e: {
      readonly botId: string;
      readonly type: 'trip' | 'clear' | 'denial';
      readonly rule: string;
      readonly value?: string;
      readonly limit?: string;
      readonly action?: string;
      readonly message: string;
      readonly at: number;
    }) => void,
  ): () => void;
  on(topic: 'stats', handler: (e: StatsInput) => void): () => void;
}
