// Messages waiting for one Telegram chat. Bounded: when it is full the oldest message of the
// lowest priority goes (a fill summary before a risk trip), and the chat is told how many went.
// Under a burst, queued messages leave merged into as few Telegram messages as fit in 4096 chars.
import { BoundedQueue } from './bounded-queue.ts';
import { TELEGRAM_MAX_CHARS } from './html.ts';

/** 0 = statistics (fill summaries), 1 = lifecycle, 2 = needs attention (errors, risk, replies). */
export type Priority = 0 | 1 | 2;

export interface OutgoingMessage {
  readonly html: string;
  /** Delivered without a notification sound. */
  readonly silent: boolean;
  readonly priority: Priority;
}

export interface Batch {
  readonly html: string;
  readonly silent: boolean;
  readonly messages: readonly OutgoingMessage[];
  /** Dropped messages this batch reports (subtracted once it is delivered). */
  readonly droppedNoted: number;
}

const SEPARATOR = '\n\n';

export function droppedNote(count: number): string {
  return `⚠️ ${count} older alert${count === 1 ? ' was' : 's were'} dropped: messages came faster than Telegram accepts them.`;
}

export class ChatQueue {
  private readonly queue: BoundedQueue<OutgoingMessage>;
  /** Dropped since the last note reached the chat. */
  private droppedUnreported = 0;

  constructor(limit: number) {
    this.queue = new BoundedQueue(limit);
  }

  get size(): number {
    return this.queue.size;
  }

  get dropped(): number {
    return this.queue.dropped;
  }

  push(message: OutgoingMessage): void {
    this.droppedUnreported += this.queue.push(message);
  }

  /**
   * Removes the head messages that fit together in one Telegram message. A merge is silent only
   * if all its parts are: one loud alert inside it still rings.
   */
  takeBatch(maxChars = TELEGRAM_MAX_CHARS): Batch | undefined {
    if (this.queue.size === 0) return undefined;
    const note = this.droppedUnreported > 0 ? droppedNote(this.droppedUnreported) : '';
    let length = note.length;
    const taken = this.queue.takeWhile((item, before) => {
      const added = (length === 0 ? 0 : SEPARATOR.length) + item.html.length;
      // the first message always goes (builders keep each under the limit), unless a note
      // already fills the space: then the note travels alone
      if (length + added > maxChars && (before.length > 0 || note !== '')) return false;
      length += added;
      return true;
    });
    const parts = note === '' ? taken.map((m) => m.html) : [note, ...taken.map((m) => m.html)];
    return { html: parts.join(SEPARATOR), silent: taken.every((m) => m.silent), messages: taken, droppedNoted: this.droppedUnreported };
  }

  /** Puts a batch that must be retried back at the head; overflow then drops as usual. */
  putBack(batch: Batch, replace?: readonly OutgoingMessage[]): void {
    this.droppedUnreported += this.queue.unshift(replace ?? batch.messages);
  }

  /** The batch arrived, including its note on earlier drops. */
  delivered(batch: Batch): void {
    this.droppedUnreported = Math.max(0, this.droppedUnreported - batch.droppedNoted);
  }

  /** Discards everything (token rejected, chat removed); returns how many went. */
  clear(): number {
    this.droppedUnreported = 0;
    return this.queue.clear();
  }
}
