// npm run record -- --venue <name> --symbol <s> [--market spot|perp] [--hours H] [--out <dir>]
import { LiveClock } from '@mm/core';
import { processOutput } from '../cli/output.ts';
import { RECORD_USAGE, parseRecordArgs, startRecording } from './record-run.ts';

async function main(): Promise<void> {
  let args;
  try {
    args = parseRecordArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n${RECORD_USAGE}\n`);
    process.exit(2);
  }
  const session = await startRecording(args, { clock: new LiveClock(), out: processOutput, tty: process.stderr.isTTY === true });
  let signals = 0;
  const onSignal = (name: string) => {
    // a second Ctrl-C does not wait: the file is readable up to its last flush anyway
    if (++signals > 1) process.exit(130);
    process.stderr.write(`\n${name}: flushing and closing ${session.path} (Ctrl-C again to exit at once)\n`);
    void session.stop(name);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.stderr.write(await session.done);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`record failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
