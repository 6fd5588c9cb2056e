// Client order ids. Every id carries its bot's prefix, so after a restart the engine adopts or
// cancels only its own orders. Ids are letters and digits only, at most 32 characters: the
// strictest rule among our venues (BitMart: alphanumeric ≤ 32; Aster: ≤ 36).
import { EngineError } from './errors.ts';
import type { Rng } from './rng.ts';

export const CLIENT_ID_MAX_LENGTH = 32;
const ALPHANUMERIC = /^[A-Za-z0-9]+$/;

/** A bot's prefix: "mm" + up to 8 alphanumerics derived from the bot's id. */
export function botOrderPrefix(botKey: string): string {
  const tag = botKey.replace(/[^A-Za-z0-9]/g, '').slice(0, 8);
  if (tag.length === 0) throw new EngineError('INVALID_ARGUMENT', `bot key "${botKey}" has no letters or digits for an order prefix`);
  return `mm${tag}x`;
}

export class ClientIdGenerator {
  private counter = 0;

  constructor(
    readonly prefix: string,
    private readonly rng: Rng,
    private readonly now: () => number,
  ) {
    if (!ALPHANUMERIC.test(prefix) || prefix.length > 14) {
      throw new EngineError('INVALID_ARGUMENT', `order id prefix "${prefix}" must be 1–14 letters or digits`);
    }
  }

  /** prefix + time (base 36) + counter + random, unique across restarts of the same bot. */
  next(): string {
    this.counter = (this.counter + 1) % 1296;
    const time = this.now().toString(36);
    const count = this.counter.toString(36).padStart(2, '0');
    const random = this.rng.nextUint32().toString(36).padStart(7, '0').slice(0, 7);
    const id = `${this.prefix}${time}${count}${random}`.slice(0, CLIENT_ID_MAX_LENGTH);
    return id;
  }

  owns(clientOrderId: string): boolean {
    return clientOrderId.startsWith(this.prefix);
  }
}

export function isValidClientOrderId(id: string): boolean {
  return id.length > 0 && id.length <= CLIENT_ID_MAX_LENGTH && ALPHANUMERIC.test(id);
}
