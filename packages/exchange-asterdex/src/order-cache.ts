// What the adapter remembers about orders: venue id ↔ client id (trade history rows carry only
// the venue order id), and the newest state seen per order, so an event that arrives late
// (the venue does not guarantee order during bursts) never rolls an order back.
import { isTerminalVenueStatus } from '@mm/core';
import type { VenueOrder } from '@mm/core';

interface Seen {
  readonly filledLots: number;
  readonly terminal: boolean;
  readonly venueTime: number;
}

export class OrderCache {
  private readonly clientByVenue = new Map<string, string>();
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly capacity = 50_000) {}

  remember(venueOrderId: string, clientOrderId: string): void {
    if (clientOrderId === '' || this.clientByVenue.get(venueOrderId) === clientOrderId) return;
    this.clientByVenue.set(venueOrderId, clientOrderId);
    if (this.clientByVenue.size > this.capacity) this.clientByVenue.delete(this.clientByVenue.keys().next().value as string);
  }

  clientId(venueOrderId: string): string | undefined {
    return this.clientByVenue.get(venueOrderId);
  }

  /** True if `order` is not older than what was already reported; records it if so. */
  isNewer(order: VenueOrder, venueTime: number): boolean {
    const last = this.seen.get(order.venueOrderId);
    const terminal = isTerminalVenueStatus(order.status);
    if (last !== undefined) {
      if (last.terminal) return false;
      if (order.filledLots < last.filledLots) return false;
      if (!terminal && order.filledLots === last.filledLots && venueTime < last.venueTime) return false;
    }
    this.seen.set(order.venueOrderId, { filledLots: order.filledLots, terminal, venueTime });
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
    return true;
  }
}
