// Entry of `npm run rotate-secret` / dist/server/rotate-secret.js.
import { processOutput } from './output.ts';
import { rotateSecretCommand } from './rotate-secret.ts';

process.exitCode = await rotateSecretCommand(process.argv.slice(2), process.env, processOutput);
