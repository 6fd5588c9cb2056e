export * from './port.ts';
export * from './rate-limiter.ts';
export * from './reconnecting-ws.ts';
export * from './local-book.ts';
export * from './rest.ts';
export * from './remote/index.ts';
