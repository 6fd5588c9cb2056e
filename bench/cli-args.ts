// The few command-line options the stand-alone measurement scripts take.

/** The value after `--name`, or the fallback when it is not given. */
export function argValue(args: readonly string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at === -1 ? fallback : args[at + 1]!;
}

/** What a measurement runs: the production bundle or the TypeScript sources. */
export type BenchMode = 'prod' | 'dev';

/** `--mode prod` (the production bundle, default) or `--mode dev` (the TypeScript sources). */
export function modeArg(args: readonly string[]): BenchMode {
  const mode = argValue(args, '--mode', 'prod');
  if (mode !== 'prod' && mode !== 'dev') throw new Error('--mode is prod or dev');
  return mode;
}
