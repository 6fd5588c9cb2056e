// The first line of a recording: `#mmrec ` and the RecordingHeader as JSON. Checked on read so a
// wrong or foreign file fails with a message that says what is wrong, not somewhere in replay.
import { EngineError } from '@mm/core';
import type { RecordingHeader } from './events.ts';

export const HEADER_PREFIX = '#mmrec ';

export function encodeHeader(header: RecordingHeader): string {
  return HEADER_PREFIX + JSON.stringify(checkHeader(header, 'header'));
}

/** Parses and validates the first line of a recording; `where` names the file in errors. */
export function decodeHeader(line: string, where: string): RecordingHeader {
  if (!line.startsWith(HEADER_PREFIX)) {
    throw new EngineError('INVALID_ARGUMENT', `${where}: not an mmrec recording (line 1 must start with "${HEADER_PREFIX.trim()}")`);
  }
  let json: unknown;
  try {
    json = JSON.parse(line.slice(HEADER_PREFIX.length));
  } catch (error) {
    throw new EngineError('INVALID_ARGUMENT', `${where}:1: the header is not valid JSON (${(error as Error).message})`);
  }
  return checkHeader(json, `${where}:1`);
}

const REQUIRED_TEXT = ['venue', 'symbol', 'source', 'startedAt'] as const;
const OPTIONAL_TEXT = ['tickSize', 'lotSize', 'note'] as const;

export function checkHeader(value: unknown, where: string): RecordingHeader {
  const fail = (what: string): never => {
    throw new EngineError('INVALID_ARGUMENT', `${where}: header ${what}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('must be a JSON object');
  const h = value as Record<string, unknown>;
  if (h.format !== 'mmrec') fail(`format must be "mmrec", got ${JSON.stringify(h.format)}`);
  if (h.version !== 1) fail(`version ${JSON.stringify(h.version)} is not supported (this build reads version 1)`);
  for (const field of REQUIRED_TEXT) if (typeof h[field] !== 'string' || h[field] === '') fail(`${field} must be a non-empty string`);
  for (const field of OPTIONAL_TEXT) if (h[field] !== undefined && typeof h[field] !== 'string') fail(`${field} must be a string when present`);
  if (h.market !== 'spot' && h.market !== 'perp') fail(`market must be "spot" or "perp", got ${JSON.stringify(h.market)}`);
  if (Number.isNaN(Date.parse(h.startedAt as string))) fail(`startedAt ${JSON.stringify(h.startedAt)} is not an ISO time`);
  return value as RecordingHeader;
}
