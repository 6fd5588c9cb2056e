// The one order in which stored rows are folded into a ledger, so a rebuild replays what the
// live bot did: fills in the order they were stored (that is the order the bot applied them),
// and day marks and cash flows just before the first fill that is not older than they are.
import type { Fixed } from '../fixed.ts';
import type { BotLedger, LedgerCashFlow, LedgerFill } from './bot-ledger.ts';

export interface DayMark {
  readonly dayStart: number;
  readonly mark: Fixed;
}

export function foldInto(ledger: BotLedger, fills: readonly LedgerFill[], flows: readonly LedgerCashFlow[], marks: readonly DayMark[]): BotLedger {
  const side = [...marks.map((m) => ({ at: m.dayStart, mark: m })), ...flows.map((f) => ({ at: f.venueTime, flow: f }))].sort((a, b) => a.at - b.at);
  let next = 0;
  const applySideUpTo = (time: number) => {
    while (next < side.length && side[next]!.at <= time) {
      const e = side[next++]!;
      if ('mark' in e) ledger.openDay(e.mark.dayStart, e.mark.mark);
      else ledger.applyCashFlow(e.flow);
    }
  };
  for (const fill of fills) {
    applySideUpTo(fill.venueTime);
    ledger.applyFill(fill);
  }
  applySideUpTo(Number.POSITIVE_INFINITY);
  return ledger;
}
