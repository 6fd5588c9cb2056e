// LISTEN on PostgreSQL: one dedicated connection per storage for every channel (a pooled
// connection would lose its LISTENs when the pool recycles it). Opened on the first listen; when
// it dies (server restart, terminated backend) it reconnects with back-off, LISTENs every channel
// again and calls each onReconnect, since notifications sent meanwhile are lost.
import pg from 'pg';
import { rootMessage } from '../errors.ts';
import type { StorageLogger } from '../logger.ts';
import { Subscribers } from './notify.ts';
import type { Subscriber } from './notify.ts';

export const LISTENER_APPLICATION_NAME = 'mm-engine-listen';
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5_000;
/** A connection cut without a FIN (a partition) sends no error: a periodic query finds out. */
const PROBE_EVERY_MS = 15_000;
const PROBE_TIMEOUT_MS = 5_000;

export class PgListener {
  private readonly subs = new Subscribers();
  /** LISTENs in flight on the live connection: a second subscriber waits for the first's. */
  private readonly listening = new Map<string, Promise<unknown>>();
  /** Set while connected and LISTENing. */
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private probe: NodeJS.Timeout | undefined;
  private retryMs = RETRY_FIRST_MS;
  private everConnected = false;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly connectTimeoutMs: number,
    private readonly logger: () => StorageLogger | undefined,
  ) {}

  async listen(channel: string, sub: Subscriber): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('storage is closed');
    const isNew = this.subs.add(channel, sub);
    const unlisten = async () => {
      if (this.subs.remove(channel, sub) && this.client !== undefined) {
        // issued at once, so it reaches the connection before a later LISTEN of the same channel
        await this.client.query(`UNLISTEN ${channel}`).catch(() => undefined);
      }
    };
    if (this.client !== undefined) {
      if (isNew) {
        // a failure means the connection is going; the reconnect LISTENs the channel
        const done = this.client.query(`LISTEN ${channel}`).catch(() => undefined);
        this.listening.set(channel, done);
        await done;
        if (this.listening.get(channel) === done) this.listening.delete(channel);
      } else {
        await this.listening.get(channel);
      }
      return unlisten;
    }
    if (this.everConnected) {
      // reconnecting: the new connection LISTENs this channel and onReconnect tells the caller
      if (this.connecting !== undefined) await this.connecting.catch(() => undefined);
      return unlisten;
    }
    try {
      await this.connect();
    } catch (error) {
      this.subs.remove(channel, sub);
      throw error;
    }
    return unlisten;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.stopProbe();
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: this.connectTimeoutMs,
      application_name: LISTENER_APPLICATION_NAME,
      keepAlive: true,
    });
    // before connect: an unhandled 'error' event would crash the process
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the listening connection ended')));
    client.on('notification', (msg) => this.subs.deliver(msg.channel, msg.payload ?? '', (e) => this.callbackFailed(e)));
    try {
      await client.connect();
      // the live iterator also visits channels added while these LISTENs run
      for (const channel of this.subs.channels()) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.everConnected = true;
    this.retryMs = RETRY_FIRST_MS;
    this.startProbe(client);
  }

  private startProbe(client: pg.Client): void {
    this.stopProbe();
    this.probe = setInterval(() => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the LISTEN connection did not answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS).unref();
      });
      Promise.race([client.query('select 1'), timeout])
        .catch((error: unknown) => this.lost(client, error))
        .finally(() => clearTimeout(timer));
    }, PROBE_EVERY_MS);
    this.probe.unref();
  }

  private stopProbe(): void {
    if (this.probe !== undefined) clearInterval(this.probe);
    this.probe = undefined;
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client) return; // still connecting (open() handles it) or already replaced
    this.client = undefined;
    this.stopProbe();
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.logger()?.warn({ reason: rootMessage(error) }, 'the LISTEN connection was lost; reconnecting');
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect().then(
        () => {
          if (this.closed) return;
          this.logger()?.info({}, 'the LISTEN connection is back');
          this.subs.reconnected((e) => this.callbackFailed(e));
        },
        () => {
          this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
          this.schedule();
        },
      );
    }, this.retryMs);
    // a pending reconnect alone must not keep the process alive
    this.timer.unref();
  }

  private callbackFailed(error: unknown): void {
    this.logger()?.error({ reason: rootMessage(error) }, 'a notification listener threw');
  }
}
