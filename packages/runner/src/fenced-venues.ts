// The venues a runner's bots trade through, with one last check before an order leaves: the
// lease of the bot that owns the order (by its client id prefix) must still be certainly this
// runner's. The journal's gate checks before the intent is stored; a process frozen between that
// check and the send (SIGSTOP, a paused VM) would otherwise send the order when it wakes up, long
// after another runner took the bot over. Cancels always go out.
import { EngineError } from '@mm/core';
import type { AmendRequest, BotConfig, OrderRequest } from '@mm/core';
import type { VenueProvider } from '@mm/engine';
import type { AmendResult, PlaceResult, VenueAdapter } from '@mm/exchange';

export interface OrderFence {
  /** True while the order's bot may place orders from this runner. */
  mayPlace(clientOrderId: string): boolean;
}

const refusal = (clientOrderId: string) => new EngineError('LEASE_LOST', `order ${clientOrderId} not sent: this runner's lease on its bot is not certain any more`);

export function fencedVenues(inner: VenueProvider, fence: OrderFence): VenueProvider {
  const wrapped = new WeakMap<VenueAdapter, VenueAdapter>();
  const wrap = (adapter: VenueAdapter): VenueAdapter => {
    let proxy = wrapped.get(adapter);
    if (proxy === undefined) {
      proxy = new Proxy(adapter, {
        get(target, key, receiver) {
          if (key === 'placeOrders') {
            return async (requests: readonly OrderRequest[]): Promise<readonly PlaceResult[]> => {
              const allowed = requests.filter((r) => fence.mayPlace(r.clientOrderId));
              const sent = allowed.length === 0 ? [] : await target.placeOrders(allowed);
              const byId = new Map(allowed.map((r, i) => [r.clientOrderId, sent[i]!]));
              return requests.map((r) => byId.get(r.clientOrderId) ?? { ok: false, outcome: 'rejected', clientOrderId: r.clientOrderId, error: refusal(r.clientOrderId) });
            };
          }
          if (key === 'amendOrder') {
            return async (request: AmendRequest): Promise<AmendResult> => {
              const id = request.clientOrderId;
              if (!fence.mayPlace(id)) return { ok: false, outcome: 'rejected', error: refusal(id) };
              return target.amendOrder(request);
            };
          }
          const value: unknown = Reflect.get(target, key, receiver);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      wrapped.set(adapter, proxy);
    }
    return proxy;
  };
  return {
    adapterFor: async (config: BotConfig) => wrap(await inner.adapterFor(config)),
    ...(inner.externalAdapterFor === undefined ? {} : { externalAdapterFor: inner.externalAdapterFor.bind(inner) }),
  };
}
