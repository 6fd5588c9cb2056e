export * from './bot-ledger.ts';
export * from './from-venue.ts';
export * from './account-change.ts';
export * from './fold.ts';
export * from './dto.ts';
