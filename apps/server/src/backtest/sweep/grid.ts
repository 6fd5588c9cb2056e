// A parameter sweep's plan: `--sweep path=v1,v2` axes on dotted bot-config paths, their
// cartesian product, and every combination validated before any run starts. Values are typed by
// the config schema at that path (numbers, booleans, strings, enums; JSON for the rest), so
// "0.4" becomes a number for a percentage and stays "40000" for a decimal-string amount.
import { botConfigSchema, validateBotConfig } from '@mm/core';
import type { BotConfigInput } from '@mm/core';

export interface SweepAxis {
  readonly path: string;
  readonly values: readonly unknown[];
}

/** One point of the grid: each swept path and its value, in axis order. */
export type SweepPoint = readonly (readonly [path: string, value: unknown])[];

export interface PlannedRun {
  readonly index: number;
  readonly point: SweepPoint;
  readonly bot: BotConfigInput;
}

export type Plan = { readonly ok: true; readonly axes: readonly SweepAxis[]; readonly runs: readonly PlannedRun[] } | { readonly ok: false; readonly errors: readonly string[] };

/** Paths the backtest sets itself. */
const RESERVED = new Set(['accountId', 'seed']);
const MAX_RUNS = 10_000;

interface ZodLike {
  readonly _zod: { readonly def: { readonly type: string; readonly innerType?: ZodLike; readonly in?: ZodLike; readonly shape?: Record<string, ZodLike> } };
}

/** The schema's own type at a path, through defaults and optionals; undefined for an unknown key. */
export function schemaTypeAt(path: string): string | undefined {
  let node = botConfigSchema as unknown as ZodLike;
  const unwrap = (n: ZodLike): ZodLike => {
    let cur = n;
    for (;;) {
      const def = cur._zod.def;
      if ((def.type === 'default' || def.type === 'optional' || def.type === 'nullable' || def.type === 'prefault') && def.innerType) cur = def.innerType;
      else if (def.type === 'pipe' && def.in) cur = def.in;
      else return cur;
    }
  };
  for (const key of path.split('.')) {
    const shape = unwrap(node)._zod.def.shape;
    const next = shape === undefined || !Object.hasOwn(shape, key) ? undefined : shape[key];
    if (next === undefined) return undefined;
    node = next;
  }
  return unwrap(node)._zod.def.type;
}

function coerce(path: string, type: string, raw: string): { value: unknown } | { error: string } {
  switch (type) {
    case 'number': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isFinite(n) ? { value: n } : { error: `${path}: "${raw}" is not a number` };
    }
    case 'boolean':
      return raw === 'true' || raw === 'false' ? { value: raw === 'true' } : { error: `${path}: "${raw}" is not true or false` };
    case 'string':
    case 'enum':
      return { value: raw };
    default:
      try {
        return { value: JSON.parse(raw) as unknown };
      } catch {
        return { error: `${path}: "${raw}" is not valid JSON (${type} values are given as JSON)` };
      }
  }
}

/** `path=v1,v2,…` → an axis, or why not. */
export function parseSweepArg(arg: string): SweepAxis | { readonly error: string } {
  const eq = arg.indexOf('=');
  if (eq <= 0) return { error: `--sweep ${arg}: use path=value1,value2 (e.g. marketMaking.bidSpread.minPct=0.4,0.8)` };
  const path = arg.slice(0, eq).trim();
  const raw = arg.slice(eq + 1).split(',').map((v) => v.trim());
  if (RESERVED.has(path)) return { error: `--sweep ${path}: the backtest sets ${path} itself (use --seed for the seed)` };
  const type = schemaTypeAt(path);
  if (type === undefined) return { error: `--sweep ${path}: no such bot config field` };
  if (type === 'object') return { error: `--sweep ${path}: is a group of fields; sweep one of its fields` };
  if (raw.length === 0 || raw.some((v) => v === '')) return { error: `--sweep ${path}: give at least one value, separated by commas` };
  const values: unknown[] = [];
  for (const r of raw) {
    const c = coerce(path, type, r);
    if ('error' in c) return { error: `--sweep ${c.error}` };
    values.push(c.value);
  }
  return { path, values };
}

/** A copy of `bot` with `value` at the dotted `path` (missing groups created). */
export function setPath(bot: BotConfigInput, path: string, value: unknown): BotConfigInput {
  const copy = structuredClone(bot) as Record<string, unknown>;
  const keys = path.split('.');
  let node = copy;
  for (const key of keys.slice(0, -1)) {
    const child = node[key];
    node = (node[key] = child !== null && typeof child === 'object' ? child : {}) as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
  return copy as BotConfigInput;
}

export function cartesian(axes: readonly SweepAxis[]): SweepPoint[] {
  let points: SweepPoint[] = [[]];
  for (const axis of axes) points = points.flatMap((p) => axis.values.map((v) => [...p, [axis.path, v] as const]));
  return points;
}

export function describePoint(point: SweepPoint): string {
  return point.map(([p, v]) => `${p}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
}

/** Parses the axes and checks every combination with the bot config schema. */
export function planSweep(bot: BotConfigInput, args: readonly string[]): Plan {
  const errors: string[] = [];
  const axes: SweepAxis[] = [];
  for (const arg of args) {
    const a = parseSweepArg(arg);
    if ('error' in a) errors.push(a.error);
    else if (axes.some((x) => x.path === a.path)) errors.push(`--sweep ${a.path}: given twice; list all its values in one --sweep`);
    else axes.push(a);
  }
  if (errors.length > 0) return { ok: false, errors };
  const count = axes.reduce((n, a) => n * a.values.length, 1);
  if (count > MAX_RUNS) return { ok: false, errors: [`the sweep has ${count} combinations; at most ${MAX_RUNS}`] };
  const runs = cartesian(axes).map((point, index) => ({ index, point, bot: point.reduce((b, [path, value]) => setPath(b, path, value), bot) }));
  for (const run of runs) {
    const check = validateBotConfig({ ...run.bot, accountId: 'backtest' });
    if (!check.ok) errors.push(`${describePoint(run.point)}: ${check.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, axes, runs };
}
