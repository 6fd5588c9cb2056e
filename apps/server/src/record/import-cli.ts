// npm run import -- --in <file> [--in <file> ...] --out <file.mmrec.gz> [--format <name>] [--symbol S] [--venue V] [--market spot|perp] [--from ISO] [--to ISO]
import { LiveClock } from '@mm/core';
import { IMPORT_FORMATS } from '@mm/market-data';
import { processOutput } from '../cli/output.ts';
import { IMPORT_USAGE, parseImportArgs, runImport } from './import-run.ts';

async function main(): Promise<void> {
  let args;
  try {
    args = parseImportArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n${IMPORT_USAGE}\nformats: ${IMPORT_FORMATS.join(', ')}\n`);
    process.exit(2);
  }
  const result = await runImport(args, { clock: new LiveClock(), out: processOutput, tty: process.stderr.isTTY === true });
  process.stderr.write(result.summary);
}

main().catch((error: unknown) => {
  process.stderr.write(`\nimport failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
