// Reads the one file inside a .zip (how data.binance.vision ships its CSVs) as a stream, with
// Node's own inflate: the central directory says where the entry is and how big, the local
// header where its data starts. Zip64 (entries over 4 GiB) is understood; encryption and
// several files in one archive are refused with a message.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInflateRaw, crc32 } from 'node:zlib';
import type { Readable } from 'node:stream';
import { EngineError } from '@mm/core';

export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly crc32: number;
  readonly dataOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

const fail = (path: string, what: string): never => {
  throw new EngineError('INVALID_ARGUMENT', `${path}: ${what}`);
};

/** The single file entry of a zip archive (directories are ignored). */
export async function zipEntry(path: string): Promise<ZipEntry> {
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const read = async (position: number, length: number): Promise<Buffer> => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await file.read(buf, 0, length, position);
      if (bytesRead < length) fail(path, 'the zip archive is cut short');
      return buf;
    };
    // the end record sits in the last 22 bytes plus a comment of up to 64 KiB
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = await read(size - tailLength, tailLength);
    let at = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        at = i;
        break;
      }
    }
    if (at < 0) fail(path, 'not a zip archive (no end of central directory)');
    let entries = tail.readUInt16LE(at + 10);
    let centralOffset = tail.readUInt32LE(at + 16);
    if (entries === 0xffff || centralOffset === MAX32) {
      const locatorAt = size - tailLength + at - 20;
      const locator = await read(locatorAt, 20);
      if (locator.readUInt32LE(0) !== ZIP64_LOCATOR) fail(path, 'zip64 archive without its locator');
      const record = await read(Number(locator.readBigUInt64LE(8)), 56);
      if (record.readUInt32LE(0) !== ZIP64_EOCD) fail(path, 'zip64 end record not found');
      entries = Number(record.readBigUInt64LE(32));
      centralOffset = Number(record.readBigUInt64LE(48));
    }
    const files: ZipEntry[] = [];
    const names: string[] = [];
    let offset = centralOffset;
    for (let i = 0; i < entries; i++) {
      const head = await read(offset, 46);
      if (head.readUInt32LE(0) !== CENTRAL) fail(path, 'damaged zip central directory');
      const flags = head.readUInt16LE(8);
      const method = head.readUInt16LE(10);
      let compressedSize = head.readUInt32LE(20);
      let uncompressedSize = head.readUInt32LE(24);
      const nameLength = head.readUInt16LE(28);
      const extraLength = head.readUInt16LE(30);
      const commentLength = head.readUInt16LE(32);
      let localOffset = head.readUInt32LE(42);
      const rest = await read(offset + 46, nameLength + extraLength);
      const name = rest.toString('utf8', 0, nameLength);
      // zip64 sizes and offset live in extra field 0x0001, in this order, when the 32-bit ones are full
      for (let e = nameLength; e + 4 <= rest.length; ) {
        const id = rest.readUInt16LE(e);
        const length = rest.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let p = e + 4;
          const next = (): number => {
            const v = Number(rest.readBigUInt64LE(p));
            p += 8;
            return v;
          };
          if (uncompressedSize === MAX32) uncompressedSize = next();
          if (compressedSize === MAX32) compressedSize = next();
          if (localOffset === MAX32) localOffset = next();
        }
        e += 4 + length;
      }
      offset += 46 + nameLength + extraLength + commentLength;
      names.push(name);
      if (name.endsWith('/')) continue;
      if ((flags & 1) !== 0) fail(path, `${name} is encrypted`);
      if (method !== 0 && method !== 8) fail(path, `${name} uses compression method ${method}; only stored and deflate are supported`);
      const local = await read(localOffset, 30);
      if (local.readUInt32LE(0) !== LOCAL) fail(path, `damaged local header of ${name}`);
      const dataOffset = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      files.push({ name, method, compressedSize, uncompressedSize, crc32: head.readUInt32LE(16), dataOffset });
    }
    if (files.length !== 1) fail(path, `expected one file in the zip archive, found ${files.length} (${names.join(', ') || 'none'})`);
    return files[0]!;
  } finally {
    await file.close();
  }
}

/** The raw (still compressed) bytes of the entry, for progress counting. */
export function zipEntryFile(path: string, entry: ZipEntry): Readable {
  return createReadStream(path, { start: entry.dataOffset, end: entry.dataOffset + entry.compressedSize - 1, highWaterMark: 1 << 20 });
}

/** The entry's content, checked against its size and CRC-32 at the end. */
export async function* zipEntryContent(path: string, entry: ZipEntry, raw: Readable): AsyncGenerator<Buffer> {
  const source = entry.method === 8 ? raw.pipe(createInflateRaw({ chunkSize: 1 << 20 })) : raw;
  if (source !== raw) raw.on('error', (error) => source.destroy(error));
  let crc = 0;
  let size = 0;
  try {
    for await (const chunk of source) {
      const buf = chunk as Buffer;
      crc = crc32(buf, crc);
      size += buf.length;
      yield buf;
    }
  } catch (error) {
    if (error instanceof EngineError) throw error;
    fail(path, `${entry.name} cannot be inflated (${(error as Error).message})`);
  } finally {
    raw.destroy();
  }
  if (size !== entry.uncompressedSize || crc >>> 0 !== entry.crc32) fail(path, `${entry.name} is damaged (size or CRC-32 does not match the archive's directory)`);
}
