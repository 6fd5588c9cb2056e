// Reading recordings: streaming (readRecording, constant memory) and all at once for replay
// (loadRecording). Both accept a file cut anywhere: they return every event up to the cut and
// say that it was cut, instead of throwing.
import { EngineError } from '@mm/core';
import type { MarketEvent, RecordingHeader } from './events.ts';
import { RecordingDecoder } from './decoder.ts';
import { gunzipBytes } from './gunzip-bytes.ts';
import type { GunzipStatus } from './gunzip-bytes.ts';

/** How a read ended. Final once the events are all read. */
export interface ReadStatus {
  /** Events decoded so far. */
  events: number;
  /** Lines read, the header included. */
  lines: number;
  /** The file ends early: a cut gzip stream or a half-written last line. */
  truncated: boolean;
  /** The half line dropped at the end (empty when none). */
  partialLine: string;
}

export interface RecordingStream extends AsyncIterable<MarketEvent> {
  readonly header: RecordingHeader;
  readonly status: Readonly<ReadStatus>;
}

export interface LoadedRecording {
  readonly header: RecordingHeader;
  readonly events: MarketEvent[];
  readonly status: Readonly<ReadStatus>;
}

function finish(decoder: RecordingDecoder, gz: GunzipStatus, status: ReadStatus, path: string): void {
  if (decoder.header === undefined) {
    throw new EngineError('INVALID_ARGUMENT', `${path}: no header (the file is empty, or was cut before its first flush)`);
  }
  status.lines = decoder.lines;
  status.partialLine = decoder.partialLine;
  status.truncated = gz.truncated || decoder.partialLine.length > 0;
}

/**
 * Opens a recording for streaming. Resolves once the header is read and valid; iterate the
 * result once for the events. Malformed content throws with the line number.
 */
export async function readRecording(path: string): Promise<RecordingStream> {
  const gz: GunzipStatus = { truncated: false };
  const status: ReadStatus = { events: 0, lines: 0, truncated: false, partialLine: '' };
  const decoder = new RecordingDecoder(path);
  const text = gunzipBytes(path, gz);
  let pending: MarketEvent[] = [];
  try {
    while (decoder.header === undefined) {
      const next = await text.next();
      if (next.done === true) {
        finish(decoder, gz, status, path);
        break;
      }
      decoder.push(next.value, pending);
    }
  } catch (error) {
    // a bad header: close the file now, not when the collector finds the stream
    await text.return(undefined);
    throw error;
  }
  let used = false;
  async function* events(): AsyncGenerator<MarketEvent> {
    if (used) throw new EngineError('ILLEGAL_STATE', `${path}: a recording stream can be iterated once; open it again`);
    used = true;
    try {
      for (;;) {
        for (const event of pending) {
          status.events++;
          yield event;
        }
        pending = [];
        const next = await text.next();
        if (next.done === true) break;
        decoder.push(next.value, pending);
      }
      finish(decoder, gz, status, path);
    } finally {
      await text.return(undefined);
    }
  }
  return { header: decoder.header!, status, [Symbol.asyncIterator]: events };
}

/** Reads a whole recording into memory (for replay): one array of events, in file order. */
export async function loadRecording(path: string): Promise<LoadedRecording> {
  const gz: GunzipStatus = { truncated: false };
  const decoder = new RecordingDecoder(path);
  const events: MarketEvent[] = [];
  for await (const chunk of gunzipBytes(path, gz)) decoder.push(chunk, events);
  const status: ReadStatus = { events: events.length, lines: 0, truncated: false, partialLine: '' };
  finish(decoder, gz, status, path);
  return { header: decoder.header!, events, status };
}
