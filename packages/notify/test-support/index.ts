export * from './fake-telegram.ts';
export * from './fake-webhook.ts';
export * from './fake-control.ts';
export * from './wait.ts';
