// The market simulator's own quotes on one side of the book: price → client order id, kept in
// the order they were placed (the random churn picks among them by position).
//
// Two small parallel arrays rather than a Map: a ladder holds tens of quotes and is rebuilt
// many times a second of simulated time, and a Map under that much insert/delete churn keeps
// reallocating its hash table, which costs more than a short linear scan.
export class Ladder {
  private readonly prices: number[] = [];
  private readonly ids: string[] = [];

  get size(): number {
    return this.prices.length;
  }

  priceAt(i: number): number {
    return this.prices[i]!;
  }

  idAt(i: number): string {
    return this.ids[i]!;
  }

  has(price: number): boolean {
    return this.prices.includes(price);
  }

  /** Adds a quote at a price the ladder does not hold yet. */
  add(price: number, id: string): void {
    this.prices.push(price);
    this.ids.push(id);
  }

  removeAt(i: number): void {
    this.prices.splice(i, 1);
    this.ids.splice(i, 1);
  }
}
