export * from './harness.ts';
export * from './conformance.ts';
