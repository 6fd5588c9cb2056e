// Command-line flags for the record and import tools: --name value pairs, some repeatable.
import { EngineError } from '@mm/core';

export type Flags = Map<string, string[]>;

export function parseFlags(argv: readonly string[], known: readonly string[], switches: readonly string[] = []): Flags {
  const flags: Flags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name === undefined || (!known.includes(name) && !switches.includes(name))) {
      throw new EngineError('INVALID_ARGUMENT', `unknown option ${arg}; options: ${[...known, ...switches].map((k) => `--${k}`).join(', ')}`);
    }
    if (switches.includes(name)) {
      flags.set(name, ['true']);
      continue;
    }
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) throw new EngineError('INVALID_ARGUMENT', `--${name} needs a value`);
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return flags;
}

export function one(flags: Flags, name: string): string | undefined {
  const values = flags.get(name);
  if (values !== undefined && values.length > 1) throw new EngineError('INVALID_ARGUMENT', `--${name} is given ${values.length} times`);
  return values?.[0];
}

export function market(flags: Flags): 'spot' | 'perp' | undefined {
  const value = one(flags, 'market');
  if (value !== undefined && value !== 'spot' && value !== 'perp') throw new EngineError('INVALID_ARGUMENT', `--market must be spot or perp, got ${value}`);
  return value;
}

export function isoTime(flags: Flags, name: string): number | undefined {
  const value = one(flags, name);
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new EngineError('INVALID_ARGUMENT', `--${name} ${JSON.stringify(value)} is not an ISO time (e.g. 2025-01-02T00:00:00Z)`);
  return ms;
}
