// Venue credentials as stored: a sealed JSON object of string fields (apiKey, secret, memo,
// privateKey...) and a hint safe to show ("apiKey ****a1b2"). Only key-like fields may lend
// their last characters to the hint; secrets never do.
import { EngineError } from '@mm/core';
import type { MasterKey } from './master-key.ts';
import { open, seal } from './secret-box.ts';

export type Credentials = Readonly<Record<string, string>>;

const FIELD = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const SHOWABLE = ['apiKey', 'key', 'accessKey', 'publicKey', 'address', 'signer', 'user'];

export function validateCredentials(credentials: Credentials): void {
  const entries = Object.entries(credentials);
  if (entries.length === 0) throw new EngineError('INVALID_ARGUMENT', 'credentials must have at least one field (e.g. apiKey and secret)');
  for (const [field, value] of entries) {
    if (!FIELD.test(field)) throw new EngineError('INVALID_ARGUMENT', `credential field name "${field}" is not valid (letters, digits, _)`);
    if (typeof value !== 'string' || value.length === 0) throw new EngineError('INVALID_ARGUMENT', `credential field ${field} must be a non-empty string`);
    if (value.length > 4096) throw new EngineError('INVALID_ARGUMENT', `credential field ${field} is too long`);
  }
}

export function credentialsHint(credentials: Credentials): string {
  const field = SHOWABLE.find((f) => credentials[f] !== undefined);
  const fields = Object.keys(credentials).sort();
  if (field === undefined) return `${fields.join(', ')} set`;
  const value = credentials[field]!;
  // short values would give away too large a share of themselves
  const tail = value.length >= 12 ? value.slice(-4) : '';
  const others = fields.filter((f) => f !== field);
  return `${field} ****${tail}${others.length > 0 ? ` (+ ${others.join(', ')})` : ''}`;
}

export function credentialsContext(accountId: string): string {
  return `venue_accounts/${accountId}`;
}

export function sealCredentials(key: MasterKey, accountId: string, credentials: Credentials): string {
  return seal(key, JSON.stringify(credentials), credentialsContext(accountId));
}

export function openCredentials(key: MasterKey, accountId: string, envelope: string): Credentials {
  const value: unknown = JSON.parse(open(key, envelope, credentialsContext(accountId)));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EngineError('INTERNAL', `the stored credentials of account ${accountId} are not an object`);
  }
  return value as Credentials;
}
