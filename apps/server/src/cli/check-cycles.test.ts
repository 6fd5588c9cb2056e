// scripts/check-cycles.mjs, which `npm run check` runs: it fails on an import cycle among the
// TypeScript files it scans and passes when every import points one way. Each case builds a
// small source tree in a temporary directory and runs the script on it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../test-support/process.ts';

const SCRIPT = join(ROOT, 'scripts/check-cycles.mjs');

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'check-cycles-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function check(dir: string) {
  const run = spawnSync(process.execPath, [SCRIPT, join(dir, 'packages'), join(dir, 'apps')], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('a cycle through a type-only import, a re-export and a multi-line import fails the check, naming its files', (t) => {
  const dir = tree({
    'packages/a/src/ledger.ts': "import type { Fee } from './market.ts';\nexport const ledger = (f: Fee) => f;\n",
    'packages/a/src/market.ts': "export * from './fees.js';\nexport const market = 1;\n",
    'packages/a/src/fees.ts': "import {\n  ledger,\n} from './ledger';\nexport type Fee = number;\nexport const f = ledger;\n",
    // a second, separate cycle, through a directory's index file, in a .tsx file
    'apps/web/src/page.tsx': "import { Widget } from './widget';\nexport const Page = () => Widget;\n",
    'apps/web/src/widget/index.tsx': "import { Page } from '../page.tsx';\nexport const Widget = () => Page;\n",
  });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { status, stderr } = check(dir);
  assert.equal(status, 1, stderr);
  assert.match(stderr, /2 import cycle\(s\)/);
  assert.match(stderr, /packages\/a\/src\/fees\.ts → packages\/a\/src\/ledger\.ts → packages\/a\/src\/market\.ts → packages\/a\/src\/fees\.ts/);
  assert.match(stderr, /apps\/web\/src\/page\.tsx → apps\/web\/src\/widget\/index\.tsx → apps\/web\/src\/page\.tsx/);
});

test('imports that point one way pass; comments, package imports, node_modules and dist are not followed', (t) => {
  const dir = tree({
    'packages/a/src/fees.ts': "// import { ledger } from './ledger.ts';\n/* import './market.ts'; */\nexport type Fee = number;\nexport const note = \"import x from './ledger.ts'\";\n",
    'packages/a/src/market.ts': "import type { Fee } from './fees.ts';\nimport { z } from 'zod';\nimport { fx } from '@mm/core';\nexport const market = (f: Fee) => [f, z, fx];\n",
    'packages/a/src/ledger.ts': "import { market } from './market.ts';\nimport './fees.ts';\nexport { market };\n",
    'packages/a/node_modules/dep/index.ts': "import '../../src/ledger.ts';\nexport {};\n",
    'packages/a/dist/ledger.ts': "import './market.ts';\n",
    'packages/a/dist/market.ts': "import './ledger.ts';\n",
  });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { status, stdout, stderr } = check(dir);
  assert.equal(status, 0, stderr);
  assert.match(stdout, /no import cycles among 3 files/);
});

test('a file that imports itself is a cycle', (t) => {
  const dir = tree({ 'packages/a/src/self.ts': "export { x } from './self.ts';\nexport const y = 1;\n" });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { status, stderr } = check(dir);
  assert.equal(status, 1);
  assert.match(stderr, /packages\/a\/src\/self\.ts → packages\/a\/src\/self\.ts/);
});
