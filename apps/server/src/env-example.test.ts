// .env.example promises every setting, with its default. This test finds the environment variables
// the code reads and compares: none missing, none stale, each with a comment and the true default.
//
// What counts as a read (test files, *.test.ts, are not settings and are left out):
// - in every source file of apps/, packages/, scripts/ and bench/, parsed with the TypeScript
//   compiler: `process.env.NAME`, `process.env['NAME']`, `env.NAME` / `env['NAME']` on anything
//   called env (a parameter, options.env, the parsed server env), `const { NAME } = process.env`;
// - the keys of the server's zod schema (apps/server/src/env.ts);
// - names built at run time (`env[name]`): every such site must be listed in DYNAMIC below with
//   a probe that runs the code against a recording environment, so a new one fails until probed;
// - `process.env.NAME` inside infra/docker/Dockerfile (its health check).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { resolveConnection } from '@mm/exchange-asterdex';
import type { AsterFamily, AsterMarket } from '@mm/exchange-asterdex';
import { DEFAULT_URLS, URL_ENV, resolveUrls } from '@mm/exchange-bitmart';
import { rotateSecretCommand } from './cli/rotate-secret.ts';
import { loadEnv } from './env.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCE_ROOTS = ['apps', 'packages', 'scripts', 'bench'];
const SKIP_DIRS = new Set(['node_modules', 'dist', 'data', '.git', 'test-output']);
const CODE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const NAME = /^[A-Z][A-Z0-9_]*$/;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (CODE.test(name) && !/\.test\.[cm]?[jt]sx?$/.test(name) && !/\.d\.[cm]?ts$/.test(name)) out.push(path);
  }
  return out;
}

/** `process.env`, `env`, `options.env`, `this.env`, `(env)`, `env!`. */
function isEnvObject(node: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node)) return isEnvObject(node.expression);
  if (ts.isPropertyAccessExpression(node)) return node.name.text === 'env';
  return ts.isIdentifier(node) && node.text === 'env';
}

function isWrite(node: ts.Expression): boolean {
  const parent = node.parent;
  if (ts.isDeleteExpression(parent)) return true;
  return ts.isBinaryExpression(parent) && parent.left === node && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}

interface Scan {
  readonly reads: Map<string, Set<string>>;
  readonly dynamic: { readonly file: string; readonly line: number; readonly text: string }[];
}

function scanSource(file: string, text: string, scan: Scan): void {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : undefined);
  const add = (name: string) => {
    if (!NAME.test(name)) return;
    if (!scan.reads.has(name)) scan.reads.set(name, new Set());
    scan.reads.get(name)!.add(file);
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) && isWrite(node)) {
      // `delete env.X` and `env.X = …` prepare a child's environment; they read nothing
    } else if (ts.isPropertyAccessExpression(node) && isEnvObject(node.expression)) add(node.name.text);
    else if (ts.isElementAccessExpression(node) && isEnvObject(node.expression)) {
      const key = node.argumentExpression;
      if (ts.isStringLiteral(key) || ts.isNoSubstitutionTemplateLiteral(key)) add(key.text);
      else scan.dynamic.push({ file, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.getText() });
    } else if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer !== undefined && isEnvObject(node.initializer)) {
      for (const element of node.name.elements) {
        const key = element.propertyName ?? element.name;
        if (ts.isIdentifier(key) || ts.isStringLiteral(key)) add(key.text);
        else scan.dynamic.push({ file, line: source.getLineAndCharacterOfPosition(element.getStart()).line + 1, text: element.getText() });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

/** The keys of the `z.object({...})` the server validates its environment with. */
function serverSchemaKeys(): string[] {
  const file = join(ROOT, 'apps/server/src/env.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const keys: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === 'envSchema') {
      const call = node.initializer;
      assert.ok(call !== undefined && ts.isCallExpression(call) && ts.isObjectLiteralExpression(call.arguments[0]!), 'envSchema is z.object({ ... })');
      for (const property of (call.arguments[0] as ts.ObjectLiteralExpression).properties) {
        assert.ok(property.name !== undefined && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)), `envSchema key ${property.getText()} is a plain name`);
        keys.push(property.name.text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  assert.ok(keys.length > 5, 'envSchema found in apps/server/src/env.ts');
  return keys;
}

/** An environment that records every name looked up in it. */
function recording(values: Record<string, string> = {}): { env: Record<string, string | undefined>; read: Set<string> } {
  const read = new Set<string>();
  const env = new Proxy(values as Record<string, string | undefined>, {
    get(target, key) {
      if (typeof key === 'string') read.add(key);
      return target[key as string];
    },
  });
  return { env, read };
}

// every market and family, checked by the compiler: a new one must be added here
const ASTER_MARKETS = Object.keys({ futures: 0, spot: 0 } satisfies Record<AsterMarket, 0>) as AsterMarket[];
const ASTER_FAMILIES = Object.keys({ v3: 0, v1: 0 } satisfies Record<AsterFamily, 0>) as AsterFamily[];

/** Files that build variable names at run time, and what they read when run. */
const DYNAMIC: Record<string, () => Promise<Set<string>>> = {
  'packages/exchange-asterdex/src/config.ts': async () => {
    const all = new Set<string>();
    for (const market of ASTER_MARKETS) {
      for (const family of ASTER_FAMILIES) {
        const { env, read } = recording();
        resolveConnection({ market, family, env });
        for (const name of read) all.add(name);
      }
    }
    return all;
  },
  'packages/exchange-bitmart/src/config.ts': async () => {
    const { env, read } = recording();
    resolveUrls({}, env);
    return read;
  },
  // the secrets' variables can be renamed with flags; these are the defaults
  'apps/server/src/cli/rotate-secret.ts': async () => {
    const { env, read } = recording({ APP_SECRET: 'a new secret of more than thirty-two characters' });
    const code = await rotateSecretCommand([], env, { stdout: () => undefined, stderr: () => undefined });
    assert.notEqual(code, 0, 'without OLD_APP_SECRET the command stops before opening a database');
    return read;
  },
};

interface Documented {
  readonly value: string;
  readonly comment: string;
  readonly line: number;
}

/** `# NAME=value   # comment` or `NAME=value` lines of .env.example. */
function documented(): Map<string, Documented> {
  const out = new Map<string, Documented>();
  readFileSync(join(ROOT, '.env.example'), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const m = /^#?\s?([A-Z][A-Z0-9_]*)=(\S*)\s*(?:#\s*(.*))?$/.exec(text);
      if (m === null) return;
      assert.ok(!out.has(m[1]!), `.env.example lists ${m[1]} twice (line ${i + 1})`);
      out.set(m[1]!, { value: m[2]!, comment: (m[3] ?? '').trim(), line: i + 1 });
    });
  return out;
}

async function variablesTheCodeReads(): Promise<Map<string, Set<string>>> {
  const scan: Scan = { reads: new Map(), dynamic: [] };
  for (const root of SOURCE_ROOTS) {
    for (const path of sourceFiles(join(ROOT, root))) scanSource(relative(ROOT, path), readFileSync(path, 'utf8'), scan);
  }
  const add = (name: string, from: string) => {
    if (!scan.reads.has(name)) scan.reads.set(name, new Set());
    scan.reads.get(name)!.add(from);
  };
  for (const key of serverSchemaKeys()) add(key, 'apps/server/src/env.ts (schema)');
  for (const match of readFileSync(join(ROOT, 'infra/docker/Dockerfile'), 'utf8').matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) add(match[1]!, 'infra/docker/Dockerfile');
  const unprobed = scan.dynamic.filter((d) => DYNAMIC[d.file] === undefined);
  assert.deepEqual(
    unprobed.map((d) => `${d.file}:${d.line} ${d.text}`),
    [],
    'environment variables looked up by a computed name: add a probe for the file to DYNAMIC in this test so their names are known',
  );
  for (const file of new Set(scan.dynamic.map((d) => d.file))) {
    for (const name of await DYNAMIC[file]!()) add(name, `${file} (run)`);
  }
  for (const file of Object.keys(DYNAMIC)) assert.ok(scan.dynamic.some((d) => d.file === file), `${file} no longer builds names at run time: drop its probe`);
  return scan.reads;
}

test('.env.example lists exactly the environment variables the code reads, each with a comment', async () => {
  const reads = await variablesTheCodeReads();
  const listed = documented();
  const missing = [...reads.keys()].filter((name) => !listed.has(name)).sort();
  const stale = [...listed.keys()].filter((name) => !reads.has(name)).sort();
  assert.deepEqual(
    missing.map((name) => `${name} (read in ${[...reads.get(name)!].join(', ')})`),
    [],
    'read by the code but not in .env.example: add a line `# NAME=default   # what it does`',
  );
  assert.deepEqual(stale, [], 'in .env.example but read by no code: remove them');
  const uncommented = [...listed].filter(([, d]) => d.comment === '').map(([name, d]) => `${name} (line ${d.line})`);
  assert.deepEqual(uncommented, [], 'each variable gets a one-line comment after its value');
});

test('.env.example shows the true defaults of the server settings and the venue base URLs', () => {
  const listed = documented();
  // the server's own defaults: what loadEnv makes of an empty environment
  for (const [name, value] of Object.entries(loadEnv({}))) {
    if (value === undefined) continue;
    assert.equal(listed.get(name)?.value, String(value), `.env.example: default of ${name}`);
  }
  for (const name of serverSchemaKeys()) {
    if ((loadEnv({}) as Record<string, unknown>)[name] === undefined) assert.equal(listed.get(name)?.value, '', `${name} has no default: listed as ${name}=`);
  }
  // Asterdex: the generic variable defaults to the mainnet host; the family one falls back to it
  for (const market of ASTER_MARKETS) {
    const main = resolveConnection({ market, family: 'v3', env: {} });
    assert.equal(listed.get(`ASTERDEX_${market.toUpperCase()}_REST_URL`)?.value, main.restUrl);
    assert.equal(listed.get(`ASTERDEX_${market.toUpperCase()}_WS_URL`)?.value, main.wsUrl);
    for (const family of ASTER_FAMILIES) {
      for (const kind of ['REST', 'WS']) assert.equal(listed.get(`ASTERDEX_${market.toUpperCase()}_${family.toUpperCase()}_${kind}_URL`)?.value, '');
    }
  }
  assert.equal(listed.get('ASTERDEX_NETWORK')?.value, 'mainnet');
  for (const key of Object.keys(URL_ENV) as (keyof typeof URL_ENV)[]) assert.equal(listed.get(URL_ENV[key])?.value, DEFAULT_URLS[key], `default of ${URL_ENV[key]}`);
});

test('the scanner finds each way of reading a variable, and a probe finds built names', () => {
  const scan: Scan = { reads: new Map(), dynamic: [] };
  scanSource(
    'example.ts',
    [
      'const a = process.env.ALPHA;',
      "const b = process.env['BRAVO'];",
      'function f(env: Record<string, string>) { return env.CHARLIE ?? options.env[`DELTA`]; }',
      'const { ECHO, FOXTROT: f2 } = process.env;',
      'const g = env[name];',
      'const h = process.env.lowercase ?? config.ENV_LIKE;',
      "delete env.GOLF; delete env[other]; process.env.HOTEL = '1';",
    ].join('\n'),
    scan,
  );
  assert.deepEqual([...scan.reads.keys()].sort(), ['ALPHA', 'BRAVO', 'CHARLIE', 'DELTA', 'ECHO', 'FOXTROT']);
  assert.deepEqual(scan.dynamic, [{ file: 'example.ts', line: 5, text: 'env[name]' }]);
  const { env, read } = recording();
  resolveConnection({ market: 'spot', family: 'v1', env });
  assert.ok(read.has('ASTERDEX_SPOT_V1_REST_URL') && read.has('ASTERDEX_SPOT_WS_URL') && read.has('ASTERDEX_NETWORK'));
});
