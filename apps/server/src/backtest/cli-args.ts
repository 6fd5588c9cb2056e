// The backtest command line, parsed without side effects (cli.ts prints and exits).
import { availableParallelism } from 'node:os';

export interface CliArgs {
  readonly config: string;
  readonly hours: number;
  readonly seed: number;
  readonly json: boolean;
  /** Write the report (a sweep: its result table) as JSON here. */
  readonly out: string | undefined;
  /** Write the HTML report here (single runs only). */
  readonly html: string | undefined;
  /** `path=v1,v2` per swept field. */
  readonly sweep: readonly string[];
  readonly workers: number;
  readonly saveBest: string | undefined;
}

export const USAGE = [
  'usage: npm run backtest -- --config <file.json> [--hours 24] [--seed 1] [--json] [--out report.json] [--html report.html]',
  '       npm run backtest -- --config <file.json> --sweep <path=v1,v2> [--sweep …] [--workers N] [--save-best best.json] [--out sweep.json] [--json]',
].join('\n');

export function parseCliArgs(argv: readonly string[]): CliArgs | { readonly error: string } {
  let config: string | undefined;
  let hours = 24;
  let seed = 1;
  let json = false;
  let out: string | undefined;
  let html: string | undefined;
  const sweep: string[] = [];
  let workers = availableParallelism();
  let saveBest: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string | undefined => {
      const v = argv[++i];
      return v === undefined || v.startsWith('--') ? undefined : v;
    };
    const need = (v: string | undefined) => (v === undefined ? { error: `${a} needs a value` } : undefined);
    let v: string | undefined;
    switch (a) {
      case '--json':
        json = true;
        continue;
      case '--config':
      case '--hours':
      case '--seed':
      case '--out':
      case '--html':
      case '--sweep':
      case '--workers':
      case '--save-best':
        v = value();
        if (need(v)) return need(v)!;
        break;
      default:
        return { error: `unknown option ${a}` };
    }
    if (a === '--config') config = v;
    else if (a === '--hours') hours = Number(v);
    else if (a === '--seed') seed = Number(v);
    else if (a === '--out') out = v;
    else if (a === '--html') html = v;
    else if (a === '--sweep') sweep.push(v!);
    else if (a === '--workers') workers = Number(v);
    else saveBest = v;
  }
  if (config === undefined) return { error: '--config is required' };
  if (!(hours > 0 && hours <= 24 * 31)) return { error: '--hours must be between 0 and 744' };
  if (!Number.isInteger(seed) || seed < 0) return { error: '--seed must be a whole number ≥ 0' };
  if (!Number.isInteger(workers) || workers < 1) return { error: '--workers must be a whole number ≥ 1' };
  if (sweep.length === 0 && saveBest !== undefined) return { error: '--save-best needs a --sweep' };
  if (sweep.length > 0 && html !== undefined) return { error: '--html renders one run: run the best config of the sweep on its own for its report' };
  return { config, hours, seed, json, out, html, sweep, workers, saveBest };
}
