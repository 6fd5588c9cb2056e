// One Node version truth: every package the lockfile installs accepts the oldest Node the
// project supports (package.json `engines`), so a fresh `npm install` prints no EBADENGINE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const root = new URL('../../../../', import.meta.url);
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };

type Version = [number, number, number];

function parse(v: string): Version {
  const [a = '0', b = '0', c = '0'] = v.replace(/^v/, '').split(/[.-]/);
  return [Number(a), Number(b), Number(c)];
}

function cmp(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Does `v` satisfy one comparator such as ">=18", "^20.5.0", "~16.14", "20", "20.x" or "*"? */
function satisfiesOne(v: Version, comparator: string): boolean {
  const m = /^(>=|<=|>|<|\^|~|=)?\s*v?(\d+|x|\*)?(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?/.exec(comparator.trim());
  if (m === null || m[2] === undefined || m[2] === 'x' || m[2] === '*') return true;
  const parts = [m[2], m[3], m[4]].map((p) => (p === undefined || p === 'x' || p === '*' ? undefined : Number(p)));
  const base: Version = [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
  const c = cmp(v, base);
  switch (m[1]) {
    case '>=':
      return c >= 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    case '<':
      return c < 0;
    case '^':
      return c >= 0 && v[0] === base[0] && (base[0] !== 0 || v[1] === base[1]);
    case '~':
      return c >= 0 && v[0] === base[0] && (parts[1] === undefined || v[1] === base[1]);
    default:
      // bare or "=": a partial version is a range ("20" = 20.x.x)
      return parts.every((p, i) => p === undefined || v[i] === p);
  }
}

export function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  return range.split('||').some((alt) => {
    const comparators = alt.trim().replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1').split(/\s+/).filter((c) => c !== '');
    if (comparators.length === 3 && comparators[1] === '-') return cmp(v, parse(comparators[0]!)) >= 0 && cmp(v, parse(comparators[2]!)) <= 0;
    return comparators.every((c) => satisfiesOne(v, c));
  });
}

test('the range check reads the forms the lockfile uses', () => {
  assert.equal(satisfies('20.19.0', '>=22'), false);
  assert.equal(satisfies('20.19.0', '>=18'), true);
  assert.equal(satisfies('20.19.0', '18 || 20 || >=22'), true);
  assert.equal(satisfies('20.19.0', '^18.17.0 || >=20.5.0'), true);
  assert.equal(satisfies('20.19.0', '^20.19.0 || ^22.12.0 || >=23'), true);
  assert.equal(satisfies('20.19.0', '^20.20.0 || >=22'), false);
  assert.equal(satisfies('20.19.0', '>= 10.16.0'), true);
  assert.equal(satisfies('20.19.0', '>=14 <20'), false);
  assert.equal(satisfies('20.19.0', '*'), true);
});

test('every installed package accepts the oldest supported Node', () => {
  const oldest = /^>=\s*(\d+\.\d+(?:\.\d+)?)$/.exec(pkg.engines.node)?.[1];
  assert.ok(oldest !== undefined, `package.json engines.node is a ">=" range (${pkg.engines.node})`);
  const refusing: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const node = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (path === '' || node === undefined) continue;
    if (!satisfies(oldest, node)) refusing.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${node}`);
  }
  assert.deepEqual(refusing, [], `these would print EBADENGINE on Node ${oldest}`);
});
