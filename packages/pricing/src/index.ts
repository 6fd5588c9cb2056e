export * from './types.ts';
export * from './book-prices.ts';
export * from './half-life.ts';
export * from './ema.ts';
export * from './reference-price.ts';
