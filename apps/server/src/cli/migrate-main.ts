// Entry of `npm run migrate` / dist/server/migrate.js.
import { migrateCommand } from './migrate.ts';
import { processOutput } from './output.ts';

process.exitCode = await migrateCommand(process.argv.slice(2), process.env, processOutput);
