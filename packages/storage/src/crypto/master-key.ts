// The master key that encrypts venue credentials at rest (AES-256-GCM, see secret-box.ts).
// Where it comes from, in order: APP_SECRET (stretched with scrypt under a fixed label, so the
// same secret always gives the same key), else a random key file in the data directory, created
// on first start with mode 0600. A key file anyone else can read is refused.
import { createHmac, hkdfSync, randomBytes, scrypt } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inspect } from 'node:util';
import { EngineError } from '@mm/core';

const SCRYPT_SALT = 'mm-engine/master-key/v1';
const HKDF_LABEL = 'mm-engine/master-key-file/v1';
export const KEY_FILE_NAME = 'master.key';
export const MIN_APP_SECRET_LENGTH = 16;

/**
 * 32 key bytes and a short public id. The bytes live in a private field: printing, logging or
 * JSON-encoding a MasterKey shows only its id.
 */
export class MasterKey {
  readonly #bytes: Buffer;
  /** A fingerprint (not the key): tells which key a record was sealed with. */
  readonly id: string;
  readonly source: 'app-secret' | 'key-file' | 'raw';

  constructor(bytes: Buffer, source: MasterKey['source']) {
    if (bytes.length !== 32) throw new EngineError('INVALID_ARGUMENT', 'a master key must be 32 bytes');
    this.#bytes = Buffer.from(bytes);
    this.source = source;
    this.id = createHmac('sha256', this.#bytes).update('mm-engine/key-id').digest('hex').slice(0, 12);
  }

  /** For secret-box.ts only. */
  bytes(): Buffer {
    return this.#bytes;
  }

  toJSON(): { id: string; source: string } {
    return { id: this.id, source: this.source };
  }

  [inspect.custom](): string {
    return `MasterKey(${this.id}, ${this.source})`;
  }
}

export function deriveMasterKey(appSecret: string): Promise<MasterKey> {
  if (appSecret.length < MIN_APP_SECRET_LENGTH) {
    return Promise.reject(
      new EngineError('INVALID_CONFIG', `APP_SECRET must be at least ${MIN_APP_SECRET_LENGTH} characters; generate one with: openssl rand -base64 32`),
    );
  }
  return new Promise((resolvePromise, reject) => {
    // N = 2^15: ~0.1 s once per start, and costly for anyone guessing a weak secret from a dump
    scrypt(appSecret, SCRYPT_SALT, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (error, key) => {
      if (error) reject(new EngineError('INTERNAL', `could not derive the master key: ${error.message}`));
      else resolvePromise(new MasterKey(key, 'app-secret'));
    });
  });
}

function keyFromFileBytes(raw: Buffer): MasterKey {
  return new MasterKey(Buffer.from(hkdfSync('sha256', raw, Buffer.alloc(0), HKDF_LABEL, 32)), 'key-file');
}

/** Reads the key file, refusing one that group or others may read. */
export function readKeyFile(path: string): MasterKey {
  const stat = statSync(path);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new EngineError(
      'INVALID_CONFIG',
      `the key file ${path} has permissions ${mode}; it must be readable by its owner only. Run: chmod 600 ${path}`,
      { details: { path, mode } },
    );
  }
  const raw = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (raw.length !== 32) throw new EngineError('INVALID_CONFIG', `the key file ${path} is damaged (expected 32 base64-encoded bytes)`);
  return keyFromFileBytes(raw);
}

/** Creates the key file if it does not exist yet (never overwrites one), then reads it. */
export function loadOrCreateKeyFile(path: string): MasterKey {
  mkdirSync(dirname(path), { recursive: true });
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(32).toString('base64')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readKeyFile(path);
}

export interface MasterKeySource {
  readonly appSecret?: string | undefined;
  /** The directory holding master.key when there is no APP_SECRET. */
  readonly dataDir: string;
}

export async function loadMasterKey(source: MasterKeySource): Promise<MasterKey> {
  if (source.appSecret !== undefined && source.appSecret !== '') return deriveMasterKey(source.appSecret);
  return loadOrCreateKeyFile(join(source.dataDir, KEY_FILE_NAME));
}
