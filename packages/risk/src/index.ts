export * from './types.ts';
export * from './actions.ts';
export * from './pre-trade.ts';
export * from './monitor.ts';
