// The decompressed bytes of a recording, chunk by chunk. A gzip stream that stops early (the
// recorder was killed, the disk filled up) ends the text where the data ends and sets
// `truncated`; any other damage is an error naming the file.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { EngineError } from '@mm/core';

export interface GunzipStatus {
  truncated: boolean;
}

const CHUNK = 1 << 20;

export async function* gunzipBytes(path: string, status: GunzipStatus): AsyncGenerator<Buffer> {
  const file = createReadStream(path, { highWaterMark: CHUNK });
  const gunzip = createGunzip({ chunkSize: CHUNK });
  file.on('error', (error) => gunzip.destroy(error));
  file.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'Z_BUF_ERROR') status.truncated = true;
    else if (e.code === 'ENOENT') throw new EngineError('NOT_FOUND', `${path}: no such file`);
    else throw new EngineError('INVALID_ARGUMENT', `${path}: not a readable .mmrec.gz file (${e.message})`, { cause: error });
  } finally {
    file.destroy();
  }
}
