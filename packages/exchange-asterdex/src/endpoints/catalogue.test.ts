// Checks the endpoint tables against the reference catalogue (shared/reference/asterdex-api.md):
// every documented futures endpoint of both families and every spot endpoint must be in a table
// with the same method and path, carry the documented numeric weight, and accept the documented
// mandatory parameters. What the catalogue documents is kept in documented.json, so the check
// also runs where the catalogue is not beside the repository; where it is, the file must match
// it (regenerate with UPDATE_CATALOGUE=1 npm test -- catalogue).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import type { EndpointSpec } from '@mm/exchange';
import { validateEndpointTable } from '@mm/exchange';
import { FUTURES_V1_ENDPOINTS } from './futures-v1.ts';
import { FUTURES_V3_ENDPOINTS } from './futures-v3.ts';
import { SPOT_V1_ENDPOINTS, SPOT_V3_ENDPOINTS } from './spot.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const cataloguePath = resolve(repoRoot, '../shared/reference/asterdex-api.md');
const present = existsSync(cataloguePath);
const snapshotPath = resolve(dirname(fileURLToPath(import.meta.url)), 'documented.json');

interface Documented {
  readonly row: string;
  readonly method: string;
  readonly path: string;
  readonly weight: number | undefined;
  readonly required: readonly string[];
}

/** Auth parameters are added by the signer, never listed in the tables (except WALLET/GUARDED rows). */
const AUTH = new Set(['timestamp', 'recvWindow', 'signature', 'nonce', 'user', 'signer']);

function futuresRows(text: string): Documented[] {
  const out: Documented[] = [];
  for (const line of text.split('\n')) {
    const m = /^\| (\d+) \| (GET|POST|PUT|DELETE) \|(.*)$/.exec(line);
    if (m === null) continue;
    const cells = m[3]!.split(' | ').map((c) => c.trim());
    // §3.1 rows have a V1 and a V3 path cell; the rest one path cell
    const pathCells = cells.filter((c) => /^\**`\/fapi\//.test(c));
    const rest = cells.slice(pathCells.length);
    const weightCell = rest[1] ?? '';
    const weight = /^\d+$/.test(weightCell) ? Number(weightCell) : undefined;
    // nested fields ("Each element: ...", "Each sub-order: ...") belong to a list parameter
    const paramCell = (rest[2] ?? '').split(/Each (?:element|sub-order)/)[0]!;
    const required = [...paramCell.matchAll(/`(\w+)\*`/g)].map((r) => r[1]!).filter((p) => !AUTH.has(p));
    for (const cell of pathCells) {
      const path = /`(\/fapi\/[^`]+)`/.exec(cell)![1]!;
      out.push({ row: m[1]!, method: m[2]!, path, weight, required });
    }
  }
  return out;
}

/** §9 lists spot endpoints in prose: `GET ping`, `time`, ... (a bare name repeats the last method). */
function spotRows(text: string): { v1: Documented[]; v3: Documented[]; counts: [number, number] } {
  const section = text.slice(text.indexOf('## 9. Spot API'), text.indexOf('## 10.'));
  const start = section.indexOf('* Endpoints');
  const lines = section.slice(start).split('\n');
  const names: { method: string; name: string }[] = [];
  for (const line of lines.slice(1)) {
    if (!line.startsWith('  * ')) break;
    const withoutNotes = line.replace(/\([^()]*\)/g, '');
    let method = '';
    for (const token of withoutNotes.matchAll(/`([^`]+)`/g)) {
      const parts = token[1]!.split(' ');
      if (parts.length === 2) {
        method = parts[0]!;
        for (const m of method.split('/')) names.push({ method: m, name: parts[1]! });
      } else {
        names.push({ method, name: parts[0]! });
      }
    }
  }
  const v1 = names.map(({ method, name }) => ({ row: name, method, path: `/api/v1/${name}`, weight: undefined, required: [] }));
  const v3 = names.map(({ method, name }) => ({ row: name, method, path: `/api/v3/${name}`, weight: undefined, required: [] }));
  const extra = /v3 adding `(POST) (\/api\/v3\/\w+)`/.exec(section);
  if (extra !== null) v3.push({ row: 'noop', method: extra[1]!, path: extra[2]!, weight: undefined, required: [] });
  const counts = /That is (\d+) endpoints in v1 and (\d+) in v3/.exec(section);
  return { v1, v3, counts: [Number(counts?.[1] ?? -1), Number(counts?.[2] ?? -1)] };
}

function find(table: readonly EndpointSpec[], doc: Documented): EndpointSpec | undefined {
  return table.find((spec) => spec.method === doc.method && spec.path === doc.path);
}

function checkCoverage(name: string, table: readonly EndpointSpec[], documented: readonly Documented[]): void {
  const missing = documented.filter((d) => find(table, d) === undefined).map((d) => `#${d.row} ${d.method} ${d.path}`);
  assert.deepEqual(missing, [], `${name}: endpoints in the catalogue but not in the table`);
  const extra = table.filter((spec) => !documented.some((d) => d.method === spec.method && d.path === spec.path)).map((s) => `${s.method} ${s.path}`);
  assert.deepEqual(extra, [], `${name}: endpoints in the table that the catalogue does not list`);
  for (const d of documented) {
    const spec = find(table, d)!;
    if (d.weight !== undefined && typeof spec.weight === 'number') {
      assert.equal(spec.weight, d.weight, `${name} ${d.method} ${d.path}: weight`);
    }
    for (const param of d.required) {
      const p = spec.params.find((x) => x.name === param);
      assert.ok(p !== undefined, `${name} ${d.method} ${d.path}: documented mandatory parameter "${param}" is not accepted`);
    }
  }
}

interface DocumentedEndpoints {
  readonly futuresV1: readonly Documented[];
  readonly futuresV3: readonly Documented[];
  readonly spotV1: readonly Documented[];
  readonly spotV3: readonly Documented[];
}

/** Parses the catalogue, checking the counts it states so a parsing slip cannot pass silently. */
function parseCatalogue(text: string): DocumentedEndpoints {
  const rows = futuresRows(text);
  const futuresV1 = rows.filter((r) => !r.path.startsWith('/fapi/v3/'));
  const futuresV3 = rows.filter((r) => r.path.startsWith('/fapi/v3/'));
  const counts = /\| V1 \| \*\*(\d+)\*\* .*\| (\d+) \|\n\| V3 \| \*\*(\d+)\*\* .*\| (\d+) \|/.exec(text);
  assert.ok(counts !== null, 'the catalogue count table was not found');
  assert.equal(futuresV1.length, Number(counts[2]), 'V1 rows parsed');
  assert.equal(futuresV3.length, Number(counts[4]), 'V3 rows parsed');
  const spot = spotRows(text);
  assert.equal(spot.v1.length, spot.counts[0], 'spot v1 endpoints parsed');
  assert.equal(spot.v3.length, spot.counts[1], 'spot v3 endpoints parsed');
  return { futuresV1, futuresV3, spotV1: spot.v1, spotV3: spot.v3 };
}

function documentedEndpoints(): DocumentedEndpoints {
  const snapshot = JSON.parse(readFileSync(snapshotPath, 'utf8')) as DocumentedEndpoints;
  if (!present) return snapshot;
  const parsed = parseCatalogue(readFileSync(cataloguePath, 'utf8'));
  if (process.env['UPDATE_CATALOGUE'] === '1') writeFileSync(snapshotPath, `${JSON.stringify(parsed, null, 1)}\n`);
  else assert.deepEqual(snapshot, JSON.parse(JSON.stringify(parsed)), `documented.json is behind ${cataloguePath}; run UPDATE_CATALOGUE=1 npm test -- catalogue`);
  return parsed;
}

describe('endpoint tables against the reference catalogue', () => {
  test('futures: every documented endpoint of both families (139 with the extras)', () => {
    const { futuresV1, futuresV3 } = documentedEndpoints();
    assert.equal(futuresV1.length + futuresV3.length, 139);
    checkCoverage('futures V1', FUTURES_V1_ENDPOINTS, futuresV1);
    checkCoverage('futures V3', FUTURES_V3_ENDPOINTS, futuresV3);
  });

  test('spot: /api/v1 and /api/v3', () => {
    const { spotV1, spotV3 } = documentedEndpoints();
    assert.ok(spotV1.length > 0 && spotV3.length > spotV1.length - 1);
    checkCoverage('spot v1', SPOT_V1_ENDPOINTS, spotV1);
    checkCoverage('spot v3', SPOT_V3_ENDPOINTS, spotV3);
  });
});

describe('endpoint tables', () => {
  test('are well-formed (unique ids, paths, parameters)', () => {
    validateEndpointTable('futures v1', FUTURES_V1_ENDPOINTS);
    validateEndpointTable('futures v3', FUTURES_V3_ENDPOINTS);
    validateEndpointTable('spot v1', SPOT_V1_ENDPOINTS);
    validateEndpointTable('spot v3', SPOT_V3_ENDPOINTS);
  });

  test('both families expose the operations the adapters use under the same ids', () => {
    const used = ['time', 'exchangeInfo', 'depth', 'newOrder', 'queryOrder', 'cancelOrder', 'cancelAllOpenOrders', 'openOrders', 'userTrades', 'commissionRate', 'listenKeyCreate', 'listenKeyKeepalive', 'listenKeyClose'];
    for (const [name, table] of [
      ['futures v1', FUTURES_V1_ENDPOINTS],
      ['futures v3', FUTURES_V3_ENDPOINTS],
      ['spot v1', SPOT_V1_ENDPOINTS],
      ['spot v3', SPOT_V3_ENDPOINTS],
    ] as const) {
      for (const id of used) assert.ok(table.some((s) => s.id === id), `${name} lacks ${id}`);
    }
  });
});
