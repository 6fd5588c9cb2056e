// k-way merge of time-ordered event streams into one, by `ts`. Stable: events with equal ts
// keep their order within a source, and the earlier source (argument order) goes first, so a
// snapshot run of one source is never split by another source's events at the same ts.
// Arrays and other iterables merge synchronously; any async source makes the result async.
import { MinHeap } from '@mm/core';

interface Timed {
  readonly ts: number;
}

interface Head<T> {
  value: T;
  readonly source: number;
}

const earlier = <T extends Timed>(a: Head<T>, b: Head<T>): boolean => a.value.ts < b.value.ts || (a.value.ts === b.value.ts && a.source < b.source);

export function mergeByTime<T extends Timed>(...sources: Iterable<T>[]): IterableIterator<T>;
export function mergeByTime<T extends Timed>(...sources: (Iterable<T> | AsyncIterable<T>)[]): AsyncIterableIterator<T>;
export function mergeByTime<T extends Timed>(...sources: (Iterable<T> | AsyncIterable<T>)[]): IterableIterator<T> | AsyncIterableIterator<T> {
  const allSync = sources.every((s) => Symbol.iterator in s);
  return allSync ? mergeSync(sources as Iterable<T>[]) : mergeAsync(sources);
}

function* mergeSync<T extends Timed>(sources: Iterable<T>[]): IterableIterator<T> {
  if (sources.length === 1) return yield* sources[0]!;
  const iterators = sources.map((s) => s[Symbol.iterator]());
  const heap = new MinHeap<Head<T>>(earlier);
  iterators.forEach((it, source) => {
    const first = it.next();
    if (first.done !== true) heap.push({ value: first.value, source });
  });
  try {
    while (heap.size > 0) {
      const head = heap.pop()!;
      yield head.value;
      const next = iterators[head.source]!.next();
      if (next.done !== true) {
        head.value = next.value;
        heap.push(head);
      }
    }
  } finally {
    for (const it of iterators) it.return?.();
  }
}

async function* mergeAsync<T extends Timed>(sources: (Iterable<T> | AsyncIterable<T>)[]): AsyncIterableIterator<T> {
  const iterators = sources.map((s) => (Symbol.asyncIterator in s ? s[Symbol.asyncIterator]() : s[Symbol.iterator]()));
  const heap = new MinHeap<Head<T>>(earlier);
  try {
    for (let source = 0; source < iterators.length; source++) {
      const first = await iterators[source]!.next();
      if (first.done !== true) heap.push({ value: first.value, source });
    }
    while (heap.size > 0) {
      const head = heap.pop()!;
      yield head.value;
      const next = await iterators[head.source]!.next();
      if (next.done !== true) {
        head.value = next.value;
        heap.push(head);
      }
    }
  } finally {
    // an early stop (break, error) closes every source, so files are not left open
    for (const it of iterators) await it.return?.();
  }
}
