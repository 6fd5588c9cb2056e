// An input file's text lines, whatever it is packed in: plain CSV, gzip (.csv.gz) or a zip with
// one CSV inside (data.binance.vision). The packing is told by the file's first bytes, not its
// name. Counts the bytes read from disk for progress.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { EngineError } from '@mm/core';
import { zipEntry, zipEntryContent, zipEntryFile } from './zip.ts';

export interface InputProgress {
  /** Bytes of the file read so far (compressed, for packed files). */
  bytesRead: number;
  readonly totalBytes: number;
}

export interface TextInput {
  /** The name of the CSV: the file's, or that of the entry inside a zip. */
  readonly name: string;
  readonly packing: 'plain' | 'gzip' | 'zip';
  readonly progress: InputProgress;
  /** Batches of lines (without line breaks), in order; each batch is one chunk of the file. */
  readonly lines: AsyncIterable<string[]>;
}

const CHUNK = 1 << 20;

async function sniff(path: string): Promise<Buffer> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new EngineError(e.code === 'ENOENT' ? 'NOT_FOUND' : 'INVALID_ARGUMENT', e.code === 'ENOENT' ? `${path}: no such file` : `${path}: ${e.message}`);
  }
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await file.read(head, 0, 4, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

export async function openTextInput(path: string): Promise<TextInput> {
  const head = await sniff(path);
  const totalBytes = (await stat(path)).size;
  const progress: InputProgress = { bytesRead: 0, totalBytes };
  const counted = (raw: Readable): Readable => raw.on('data', (chunk: Buffer) => (progress.bytesRead += chunk.length));
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) {
    const entry = await zipEntry(path);
    const raw = counted(zipEntryFile(path, entry));
    return { name: basename(entry.name), packing: 'zip', progress, lines: splitLines(zipEntryContent(path, entry, raw), path) };
  }
  const raw = counted(createReadStream(path, { highWaterMark: CHUNK }));
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    return { name: basename(path).replace(/\.gz$/i, ''), packing: 'gzip', progress, lines: splitLines(gunzipped(raw, path), path) };
  }
  return { name: basename(path), packing: 'plain', progress, lines: splitLines(raw, path) };
}

async function* gunzipped(raw: Readable, path: string): AsyncGenerator<Buffer> {
  const gunzip = createGunzip({ chunkSize: CHUNK });
  raw.on('error', (error) => gunzip.destroy(error));
  raw.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const what = e.code === 'Z_BUF_ERROR' ? 'the gzip stream ends early (the file is cut)' : `not readable gzip (${e.message})`;
    throw new EngineError('INVALID_ARGUMENT', `${path}: ${what}`);
  } finally {
    raw.destroy();
  }
}

async function* splitLines(chunks: AsyncIterable<Buffer | string>, path: string): AsyncGenerator<string[]> {
  const text = new StringDecoder('utf8');
  let rest = '';
  try {
    for await (const chunk of chunks) {
      const lines = (rest + (typeof chunk === 'string' ? chunk : text.write(chunk))).split('\n');
      rest = lines.pop()!;
      yield lines.map(stripCr);
    }
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw new EngineError('INVALID_ARGUMENT', `${path}: ${(error as Error).message}`);
  }
  rest += text.end();
  if (rest.length > 0) yield [stripCr(rest)];
}

const stripCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);
