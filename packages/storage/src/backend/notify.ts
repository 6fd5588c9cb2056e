// LISTEN / NOTIFY shared by both backends: argument checks and the registry of subscribers, so a
// backend can LISTEN once per channel and register every channel again after a reconnect.
import { EngineError } from '@mm/core';

/** PostgreSQL refuses payloads of 8000 bytes or more. */
export const MAX_NOTIFY_BYTES = 7_999;

/** pg_notify for each payload of $2 on channel $1, in the array's order, in one statement. */
export const NOTIFY_EACH_SQL = 'select pg_notify($1, p) from unnest($2::text[]) with ordinality as t(p, n) order by n';

/** Channel names are interpolated into LISTEN / UNLISTEN, so only plain identifiers pass. */
export function checkChannel(channel: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel) || channel.length > 63) {
    throw new EngineError('INVALID_ARGUMENT', `notification channel "${channel}" must match /^[a-z_][a-z0-9_]*$/ (at most 63 characters)`);
  }
}

export function checkPayload(channel: string, payload: string): void {
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > MAX_NOTIFY_BYTES) {
    throw new EngineError(
      'INVALID_ARGUMENT',
      `notification payload on "${channel}" is ${bytes} bytes; PostgreSQL allows at most ${MAX_NOTIFY_BYTES}. Send an id and let listeners read the rest from the database`,
    );
  }
}

export interface Subscriber {
  readonly onMessage: (payload: string) => void;
  readonly onReconnect: (() => void) | undefined;
}

/** channel → subscribers. add/remove report whether the channel appeared or emptied. */
export class Subscribers {
  private readonly map = new Map<string, Set<Subscriber>>();

  /** True when this is the channel's first subscriber (the backend must LISTEN). */
  add(channel: string, sub: Subscriber): boolean {
    const set = this.map.get(channel);
    if (set !== undefined) {
      set.add(sub);
      return false;
    }
    this.map.set(channel, new Set([sub]));
    return true;
  }

  /** True when the channel has no subscriber left (the backend may UNLISTEN). */
  remove(channel: string, sub: Subscriber): boolean {
    const set = this.map.get(channel);
    if (set === undefined || !set.delete(sub)) return false;
    if (set.size > 0) return false;
    this.map.delete(channel);
    return true;
  }

  /** A live view: channels added while a caller iterates are visited too. */
  channels(): IterableIterator<string> {
    return this.map.keys();
  }

  deliver(channel: string, payload: string, onError: (error: unknown) => void): void {
    for (const sub of [...(this.map.get(channel) ?? [])]) {
      try {
        sub.onMessage(payload);
      } catch (error) {
        onError(error);
      }
    }
  }

  reconnected(onError: (error: unknown) => void): void {
    for (const set of [...this.map.values()]) {
      for (const sub of [...set]) {
        try {
          sub.onReconnect?.();
        } catch (error) {
          onError(error);
        }
      }
    }
  }
}
