// A typed publish/subscribe bus. Topics and payload types come from one map, so a subscriber
// can only receive what the topic carries. A throwing handler never stops delivery to the
// others: its error goes to the bus's error sink.

export type Handler<T> = (payload: T) => void;
export type AnyHandler<M> = <K extends keyof M>(topic: K, payload: M[K]) => void;

export class EventBus<M extends object> {
  private readonly handlers = new Map<keyof M, Set<Handler<never>>>();
  private readonly anyHandlers = new Set<AnyHandler<M>>();

  constructor(private readonly onHandlerError: (error: unknown, topic: keyof M) => void = defaultErrorSink) {}

  on<K extends keyof M>(topic: K, handler: Handler<M[K]>): () => void {
    let set = this.handlers.get(topic);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(topic, set);
    }
    set.add(handler as Handler<never>);
    return () => {
      set.delete(handler as Handler<never>);
    };
  }

  once<K extends keyof M>(topic: K, handler: Handler<M[K]>): () => void {
    const off = this.on(topic, (payload) => {
      off();
      handler(payload);
    });
    return off;
  }

  /** Receives every message on every topic (storage, dashboards, notifiers). */
  onAny(handler: AnyHandler<M>): () => void {
    this.anyHandlers.add(handler);
    return () => {
      this.anyHandlers.delete(handler);
    };
  }

  emit<K extends keyof M>(topic: K, payload: M[K]): void {
    const set = this.handlers.get(topic);
    if (set !== undefined) {
      for (const handler of set) {
        try {
          (handler as Handler<M[K]>)(payload);
        } catch (error) {
          this.onHandlerError(error, topic);
        }
      }
    }
    for (const handler of this.anyHandlers) {
      try {
        handler(topic, payload);
      } catch (error) {
        this.onHandlerError(error, topic);
      }
    }
  }

  listenerCount(topic?: keyof M): number {
    if (topic === undefined) {
      let n = this.anyHandlers.size;
      for (const set of this.handlers.values()) n += set.size;
      return n;
    }
    return this.handlers.get(topic)?.size ?? 0;
  }

  clear(): void {
    this.handlers.clear();
    this.anyHandlers.clear();
  }
}

function defaultErrorSink(error: unknown, topic: PropertyKey): void {
  // The bus has no logger of its own; surfacing on stderr beats losing the error.
  process.emitWarning(`event handler for "${String(topic)}" threw: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
}
