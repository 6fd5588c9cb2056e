// Writes a recording as it happens: lines are gathered in memory, compressed by one gzip
// stream and written to the file as the compressor produces them. At least once a second (and
// on close) the compressor is sync-flushed and the file synced, so a file cut at any moment
// (kill -9, Ctrl-C, power loss) still holds every event up to the last flush.
import { closeSync, fdatasync, openSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { constants, createGzip } from 'node:zlib';
import type { Gzip } from 'node:zlib';
import { EngineError, LiveClock } from '@mm/core';
import type { Clock, TimerHandle } from '@mm/core';
import type { MarketEvent, RecordingHeader } from './events.ts';
import { encodeHeader } from './header.ts';
import { encodeEvent } from './line-codec.ts';

export interface RecordingWriterOptions {
  /** Whose time paces the flushes. Default: wall time. */
  readonly clock?: Clock;
  /** Longest time between flushes. Default 1000 ms. */
  readonly flushIntervalMs?: number;
  /** gzip level 1–9. Default 6. */
  readonly level?: number;
}

/** Text gathered before it is handed to the compressor. */
const BATCH_CHARS = 64 * 1024;

export class RecordingWriter {
  /** Events accepted so far. */
  events = 0;
  /** Compressed bytes written to the file so far. */
  bytes = 0;
  private batch: string[] = [];
  private batchChars = 0;
  private dirty = false;
  private closed = false;
  private failure: Error | undefined;
  private readonly timer: TimerHandle;
  /** The flush the timer started, while it runs. */
  private timedFlush: Promise<void> | undefined;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    private readonly gzip: Gzip,
    private readonly clock: Clock,
    flushIntervalMs: number,
  ) {
    gzip.on('data', (chunk: Buffer) => {
      if (this.failure !== undefined) return;
      try {
        writeSync(this.fd, chunk);
        this.bytes += chunk.length;
      } catch (error) {
        this.failure = error as Error;
      }
    });
    gzip.on('error', (error) => {
      this.failure ??= error;
    });
    this.timer = clock.setInterval(() => {
      if (!this.dirty || this.timedFlush !== undefined) return;
      this.timedFlush = this.flush()
        .catch(() => undefined)
        .finally(() => {
          this.timedFlush = undefined;
        });
    }, flushIntervalMs);
  }

  /** Creates (or replaces) the file and writes the header line; the header is on disk when this resolves. */
  static async open(path: string, header: RecordingHeader, options: RecordingWriterOptions = {}): Promise<RecordingWriter> {
    const line = encodeHeader(header);
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (error) {
      throw new EngineError('INVALID_ARGUMENT', `cannot create ${path}: ${(error as Error).message}`, { cause: error });
    }
    const gzip = createGzip({ level: options.level ?? 6 });
    const writer = new RecordingWriter(path, fd, gzip, options.clock ?? new LiveClock(), options.flushIntervalMs ?? 1000);
    writer.append(line);
    await writer.flush();
    return writer;
  }

  /**
   * Adds one event. Returns false when the compressor is behind: the caller should then
   * `await drain()` before writing on (importers do; a live recorder can ignore it).
   */
  write(event: MarketEvent): boolean {
    this.check();
    this.append(encodeEvent(event));
    this.events++;
    return this.gzip.writableLength < 4 * BATCH_CHARS;
  }

  /** Resolves when the compressor has caught up. */
  async drain(): Promise<void> {
    if (this.gzip.writableNeedDrain) await once(this.gzip, 'drain');
    this.check();
  }

  /** Compresses everything written so far and syncs it to the disk. */
  async flush(): Promise<void> {
    this.check();
    this.dirty = false;
    this.handOver();
    await new Promise<void>((resolve) => this.gzip.flush(constants.Z_SYNC_FLUSH, resolve));
    await new Promise<void>((resolve) => fdatasync(this.fd, () => resolve()));
    this.check();
  }

  /** Resolves once the flush the timer last started is on disk (at once when none runs). */
  async settled(): Promise<void> {
    await this.timedFlush;
  }

  /** Flushes, ends the gzip stream and closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clock.clearTimer(this.timer);
    await this.timedFlush;
    this.handOver();
    const ended = once(this.gzip, 'end');
    this.gzip.end();
    this.gzip.resume();
    try {
      await ended;
    } catch {
      // the failure is reported below
    }
    await new Promise<void>((resolve) => fdatasync(this.fd, () => resolve()));
    closeSync(this.fd);
    if (this.failure !== undefined) throw new EngineError('INTERNAL', `writing ${this.path} failed: ${this.failure.message}`, { cause: this.failure });
  }

  private append(line: string): void {
    this.batch.push(line);
    this.batchChars += line.length + 1;
    this.dirty = true;
    if (this.batchChars >= BATCH_CHARS) this.handOver();
  }

  private handOver(): void {
    if (this.batch.length === 0) return;
    this.batch.push('');
    this.gzip.write(this.batch.join('\n'));
    this.batch = [];
    this.batchChars = 0;
  }

  private check(): void {
    if (this.closed) throw new EngineError('ILLEGAL_STATE', `${this.path} is closed`);
    if (this.failure !== undefined) throw new EngineError('INTERNAL', `writing ${this.path} failed: ${this.failure.message}`, { cause: this.failure });
  }
}
