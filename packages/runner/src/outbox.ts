// What a runner tells the control plane about one bot, in order: its status row and its events.
// Sent one round at a time, because on a connection pool two writes can commit out of order (an
// older status over a newer one) and two notifications can arrive swapped. A round writes the
// status first, if one was asked for since the last round (the status as it is then, so it
// reflects every event of the round), then sends the round's events in one statement.

export interface OutboxSink {
  /** Writes the bot's current status; never rejects (a failure is the writer's to handle). */
  writeStatus(): Promise<void>;
  /** Sends event notifications in this order; never rejects. */
  notify(messages: readonly string[]): Promise<void>;
}

export class Outbox {
  private messages: string[] = [];
  private statusWaiters: (() => void)[] = [];
  private draining: Promise<void> | undefined;

  constructor(private readonly sink: OutboxSink) {}

  /** Resolves once a status written after this call is stored (or its write failed). */
  writeStatus(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.statusWaiters.push(resolve);
      this.kick();
    });
  }

  /** Queues an event; it goes out after every event queued before it. */
  send(message: string): void {
    this.messages.push(message);
    this.kick();
  }

  /** Resolves when everything queued so far is sent. */
  async idle(): Promise<void> {
    while (this.draining !== undefined) await this.draining;
  }

  private kick(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.messages.length > 0 || this.statusWaiters.length > 0) {
      const messages = this.messages;
      const waiters = this.statusWaiters;
      this.messages = [];
      this.statusWaiters = [];
      if (waiters.length > 0) {
        await this.sink.writeStatus();
        for (const resolve of waiters) resolve();
      }
      if (messages.length > 0) await this.sink.notify(messages);
    }
  }
}
