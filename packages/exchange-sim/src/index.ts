export * from './exchange.ts';
export { MatchingBook, BookSide, PriceLevel } from './book.ts';
export type { RestingOrder } from './book.ts';
export * from './venue.ts';
export * from './price-path.ts';
export * from './market.ts';
