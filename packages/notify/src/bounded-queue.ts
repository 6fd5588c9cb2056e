// A FIFO with a hard size limit that evicts by priority: when full, the oldest item of the
// lowest priority present goes, or the newcomer if everything queued matters more. Used for
// every outgoing queue, so a dead destination costs bounded memory however long it stays dead.

export interface Prioritised {
  /** Higher survives longer. */
  readonly priority: number;
}

export class BoundedQueue<T extends Prioritised> {
  private items: T[] = [];
  private droppedCount = 0;

  constructor(readonly limit: number) {}

  get size(): number {
    return this.items.length;
  }

  /** Items evicted or refused since creation. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Returns how many items were dropped to make room (0 or 1). */
  push(item: T): number {
    if (this.items.length < this.limit) {
      this.items.push(item);
      return 0;
    }
    const victim = this.lowestOldest();
    this.droppedCount++;
    if (victim === -1 || this.items[victim]!.priority > item.priority) return 1;
    this.items.splice(victim, 1);
    this.items.push(item);
    return 1;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  shift(): T | undefined {
    return this.items.shift();
  }

  /** Removes and returns the longest run from the head that `accept` allows. */
  takeWhile(accept: (item: T, taken: readonly T[]) => boolean): T[] {
    const taken: T[] = [];
    for (const item of this.items) {
      if (!accept(item, taken)) break;
      taken.push(item);
    }
    this.items.splice(0, taken.length);
    return taken;
  }

  /** Puts items back at the head (a retry); returns how many overflowed and were dropped. */
  unshift(items: readonly T[]): number {
    this.items.unshift(...items);
    let dropped = 0;
    while (this.items.length > this.limit) {
      const victim = this.lowestOldest();
      this.items.splice(victim === -1 ? this.items.length - 1 : victim, 1);
      dropped++;
    }
    this.droppedCount += dropped;
    return dropped;
  }

  /** Empties the queue; returns how many items were discarded. */
  clear(): number {
    const n = this.items.length;
    this.items = [];
    this.droppedCount += n;
    return n;
  }

  private lowestOldest(): number {
    let index = -1;
    let priority = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.items.length; i++) {
      const p = this.items[i]!.priority;
      if (p < priority) {
        priority = p;
        index = i;
      }
    }
    return index;
  }
}
