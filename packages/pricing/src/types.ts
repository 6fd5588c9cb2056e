// What a reference price source reports: a price with its age, or why there is none.
import type { Fixed, ReferencePriceConfig } from '@mm/core';

export type ReferenceSource = ReferencePriceConfig['source'];

export type ReferenceFailure = 'no_data' | 'stale' | 'deviation' | 'crossed_book';

export type ReferenceValue =
  | { readonly ok: true; readonly price: Fixed; readonly ageMs: number; readonly source: ReferenceSource }
  | { readonly ok: false; readonly reason: ReferenceFailure; readonly detail: string };
