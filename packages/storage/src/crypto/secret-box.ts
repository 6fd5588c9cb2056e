// Authenticated encryption of one record: AES-256-GCM, a fresh random 12-byte nonce per seal,
// and a versioned text envelope: v1.<key id>.<nonce>.<ciphertext>.<tag> (base64url parts).
// The record's identity is bound as associated data, so a sealed value copied onto another
// row does not open there.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EngineError } from '@mm/core';
import type { MasterKey } from './master-key.ts';

const VERSION = 'v1';

function aad(context: string): Buffer {
  return Buffer.from(`mm-engine/${VERSION}/${context}`, 'utf8');
}

export function seal(key: MasterKey, plaintext: string, context: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.bytes(), nonce);
  cipher.setAAD(aad(context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, key.id, nonce.toString('base64url'), body.toString('base64url'), tag.toString('base64url')].join('.');
}

/** The id of the key an envelope was sealed with. */
export function envelopeKeyId(envelope: string): string | undefined {
  const parts = envelope.split('.');
  return parts.length === 5 && parts[0] === VERSION ? parts[1] : undefined;
}

export function open(key: MasterKey, envelope: string, context: string): string {
  const parts = envelope.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) {
    throw new EngineError('INTERNAL', `stored secret for ${context} has an unknown format (expected a ${VERSION} envelope)`);
  }
  const [, keyId, nonce, body, tag] = parts as [string, string, string, string, string];
  if (keyId !== key.id) {
    throw new EngineError(
      'INVALID_CONFIG',
      `the stored secret for ${context} was encrypted with another master key (${keyId}, current ${key.id}). ` +
        'Start with the APP_SECRET (or key file) it was saved with, or re-enter the credentials; use rotateMasterKey to change keys',
      { details: { keyId, currentKeyId: key.id } },
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes(), Buffer.from(nonce, 'base64url'));
    decipher.setAAD(aad(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    // never echo the envelope or the cause: both are derived from the secret
    throw new EngineError('INVALID_CONFIG', `the stored secret for ${context} failed authentication: it was altered, or sealed under another key`);
  }
}
