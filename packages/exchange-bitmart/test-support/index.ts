export * from './harness.ts';
export * from './mock-server.ts';
export * from './mock-auth.ts';
export * from './mock-limits.ts';
export * from './mock-trading.ts';
export * from './network-guard.ts';
