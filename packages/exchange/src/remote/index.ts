export * from './wire.ts';
export * from './server.ts';
export * from './client.ts';
