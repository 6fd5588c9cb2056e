// One account's open orders by client order id, in the order they were opened.
//
// The index maps ids to slot numbers and the orders live in a slot array. A Map that held the
// orders themselves would keep every order it ever held alive far longer than needed: under
// constant inserts and deletes a Map keeps replacing its hash table, each retired table links
// to its successor and still references its old entries, and once one retired table has aged
// into the old generation, young-generation collections must keep everything reachable from it.
// Slots are cleared when an order leaves, so a retired table only pins small id strings.
import type { RestingOrder } from './book.ts';

export class OpenOrders {
  private readonly slotOf = new Map<string, number>();
  private readonly slots: (RestingOrder | undefined)[] = [];
  private readonly freeSlots: number[] = [];

  get size(): number {
    return this.slotOf.size;
  }

  get(clientOrderId: string): RestingOrder | undefined {
    const slot = this.slotOf.get(clientOrderId);
    return slot === undefined ? undefined : this.slots[slot];
  }

  has(clientOrderId: string): boolean {
    return this.slotOf.has(clientOrderId);
  }

  set(clientOrderId: string, order: RestingOrder): void {
    const slot = this.slotOf.get(clientOrderId);
    if (slot !== undefined) {
      this.slots[slot] = order;
      return;
    }
    const free = this.freeSlots.pop();
    if (free === undefined) {
      this.slotOf.set(clientOrderId, this.slots.length);
      this.slots.push(order);
    } else {
      this.slotOf.set(clientOrderId, free);
      this.slots[free] = order;
    }
  }

  delete(clientOrderId: string): boolean {
    const slot = this.slotOf.get(clientOrderId);
    if (slot === undefined) return false;
    this.free(clientOrderId, slot);
    return true;
  }

  /** Removes `order` if it is the one open under its client id; false if it is not. */
  remove(order: RestingOrder): boolean {
    const slot = this.slotOf.get(order.clientOrderId);
    if (slot === undefined || this.slots[slot] !== order) return false;
    this.free(order.clientOrderId, slot);
    return true;
  }

  private free(clientOrderId: string, slot: number): void {
    this.slotOf.delete(clientOrderId);
    this.slots[slot] = undefined;
    this.freeSlots.push(slot);
  }

  /** Open orders, oldest first. */
  *values(): Generator<RestingOrder> {
    for (const slot of this.slotOf.values()) yield this.slots[slot]!;
  }
}
