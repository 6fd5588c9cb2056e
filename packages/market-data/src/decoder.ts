// Turns the decompressed bytes of a recording, chunk by chunk, into its header and events.
// Shared by the streaming reader and the in-memory loader; knows line numbers for error
// messages and keeps the bytes after the last line break (a half line when the file was cut).
import { EngineError } from '@mm/core';
import type { MarketEvent, RecordingHeader } from './events.ts';
import { decodeHeader } from './header.ts';
import { BadLine, decodeEventBytes } from './line-codec.ts';

const NEWLINE = 10;
const EMPTY = Buffer.alloc(0);

export class RecordingDecoder {
  header: RecordingHeader | undefined;
  /** Lines read so far, the header included. */
  lines = 0;
  private rest: Buffer = EMPTY;

  constructor(private readonly where: string) {}

  /** Decodes every complete line of `chunk` (the next bytes of the file) into `out`. */
  push(chunk: Buffer, out: MarketEvent[]): void {
    const data = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    let start = 0;
    let lines = this.lines;
    try {
      for (let end = data.indexOf(NEWLINE); end >= 0; end = data.indexOf(NEWLINE, start)) {
        lines++;
        if (this.header === undefined) this.header = decodeHeader(data.toString('utf8', start, end), this.where);
        else if (end > start) out.push(decodeEventBytes(data, start, end));
        start = end + 1;
      }
    } catch (error) {
      if (!(error instanceof BadLine)) throw error;
      const end = data.indexOf(NEWLINE, start);
      const line = data.toString('utf8', start, Math.min(end, start + 80));
      throw new EngineError('INVALID_ARGUMENT', `${this.where}:${lines}: ${error.message}: ${JSON.stringify(line)}`, { details: { file: this.where, line: lines } });
    } finally {
      this.lines = lines;
    }
    this.rest = start === 0 ? data : data.subarray(start);
  }

  /** What follows the last line break: empty for a complete file. */
  get partialLine(): string {
    return this.rest.toString('utf8');
  }
}
