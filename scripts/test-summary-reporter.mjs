// A node:test reporter that writes nothing until the run ends, then lists every failed test with
// its file and the head of its error, and the slowest files. A CI log is often kept only in part (its
// end); without this the one failure among twelve hundred passes can sit where nobody sees it.
const SLOWEST = 8;

// the first few lines of the error: an assertion's own message, or its expected/actual diff
function headOf(error) {
  const inner = error?.cause ?? error;
  const text = String(inner?.message ?? inner ?? 'failed');
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines.slice(0, 6).join(' ⏎ ').slice(0, 600) || 'failed';
}

export default async function* summaryReporter(source) {
  const failures = [];
  const fileMs = new Map();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, nesting, file, details } = event.data;
    const where = file ? file.replace(`${process.cwd()}/`, '') : '(no file)';
    if (nesting === 0) fileMs.set(where, (fileMs.get(where) ?? 0) + (details?.duration_ms ?? 0));
    // a parent that failed only because a subtest did adds nothing the subtest's line does not say
    if (event.type === 'test:fail' && details?.error?.failureType !== 'subtestsFailed') {
      failures.push(`  ✖ ${where} › ${name}\n      ${headOf(details?.error)}`);
    }
  }
  const slowest = [...fileMs].sort((a, b) => b[1] - a[1]).slice(0, SLOWEST);
  yield '\n== slowest test files (time in tests, seconds)\n';
  for (const [file, ms] of slowest) yield `  ${(ms / 1000).toFixed(1).padStart(6)}  ${file}\n`;
  yield failures.length === 0 ? '\n== no test failed\n' : `\n== failing tests (${failures.length})\n${failures.join('\n')}\n`;
}
