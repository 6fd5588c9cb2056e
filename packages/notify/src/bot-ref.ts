// How a person names a bot from a phone: its name (any case) or the first characters of its id.
// Exported so the server's ControlPort resolves exactly as the help text promises.
import { EngineError, err, ok, type Result } from '@mm/core';
import type { BotIdentity } from './events.ts';

function names(bots: readonly BotIdentity[], max = 6): string {
  const shown = bots.slice(0, max).map((b) => b.name);
  return bots.length > max ? `${shown.join(', ')}, …` : shown.join(', ');
}

/**
 * Exact id, then exact name, then a unique id prefix, then a unique name prefix. A prefix that
 * fits several bots is an error naming them, never a guess: these commands stop trading.
 */
export function resolveBotRef<B extends BotIdentity>(bots: readonly B[], ref: string): Result<B> {
  const wanted = ref.trim();
  if (wanted === '') return err(new EngineError('INVALID_ARGUMENT', 'name a bot, e.g. /pause alpha'));
  const lower = wanted.toLowerCase();
  const tiers: ((b: B) => boolean)[] = [
    (b) => b.id === wanted,
    (b) => b.name.toLowerCase() === lower,
    (b) => b.id.startsWith(wanted),
    (b) => b.name.toLowerCase().startsWith(lower),
  ];
  for (const matches of tiers) {
    const found = bots.filter(matches);
    if (found.length === 1) return ok(found[0]!);
    if (found.length > 1) {
      return err(new EngineError('CONFLICT', `"${wanted}" matches ${found.length} bots (${names(found)}); type more of the name`, { details: { ref: wanted } }));
    }
  }
  const known = bots.length === 0 ? 'there are no bots' : `bots: ${names(bots)}`;
  return err(new EngineError('NOT_FOUND', `no bot named "${wanted}" (${known})`, { details: { ref: wanted } }));
}
