// `npm run rotate-secret` (node dist/server/rotate-secret.js): re-encrypts every stored venue
// credential from the old master key to a new APP_SECRET, in one transaction (all or nothing).
// Secrets come from environment variables only: a secret on the command line would show in `ps`
// and in the shell history, so no option takes one, and no error message repeats an argument.
import { deriveMasterKey, openStorage, readKeyFile, redactUrl, rotateMasterKey } from '@mm/storage';
import type { MasterKey } from '@mm/storage';
import { cliLogger } from './output.ts';
import type { Output } from './output.ts';

export const ROTATE_USAGE = `usage: npm run rotate-secret -- [--old-secret-env NAME | --old-key-file PATH] [--new-secret-env NAME]
  (production: node dist/server/rotate-secret.js ...)
  Re-encrypts the stored venue credentials under a new APP_SECRET. Stop the server first.
    --old-secret-env NAME   environment variable holding the old APP_SECRET (default OLD_APP_SECRET)
    --old-key-file PATH     the old key is a key file instead (an install that ran without APP_SECRET,
                            e.g. /var/lib/mm-engine/master.key)
    --new-secret-env NAME   environment variable holding the new APP_SECRET (default APP_SECRET)
  The database: DATABASE_URL (the app role is enough), else the embedded database in DATA_DIR.
  Secrets are never accepted as arguments.
`;

interface RotateArgs {
  readonly oldSecretEnv: string;
  readonly oldKeyFile: string | undefined;
  readonly newSecretEnv: string;
}

class UsageError extends Error {}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function parseArgs(argv: readonly string[]): RotateArgs | 'help' {
  let oldSecretEnv: string | undefined;
  let oldKeyFile: string | undefined;
  let newSecretEnv: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const [flag, inline] = raw.startsWith('--') && raw.includes('=') ? [raw.slice(0, raw.indexOf('=')), raw.slice(raw.indexOf('=') + 1)] : [raw, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') return 'help';
    else if (flag === '--old-secret-env') oldSecretEnv = value();
    else if (flag === '--new-secret-env') newSecretEnv = value();
    else if (flag === '--old-key-file') oldKeyFile = value();
    else if (/secret|key|password/i.test(flag) && flag.startsWith('-')) {
      throw new UsageError(`${flag} is not an option: secrets are read from environment variables, never from the command line (use --old-secret-env NAME / --new-secret-env NAME)`);
    } else {
      // never echo it: it may be a secret pasted in the wrong place
      throw new UsageError(`unexpected argument #${i + 1} (not shown: it might be a secret)`);
    }
  }
  if (oldSecretEnv !== undefined && oldKeyFile !== undefined) throw new UsageError('give either --old-secret-env or --old-key-file, not both');
  for (const name of [oldSecretEnv, newSecretEnv]) {
    if (name !== undefined && !ENV_NAME.test(name)) throw new UsageError('--old-secret-env and --new-secret-env take the NAME of an environment variable, not a secret');
  }
  return { oldSecretEnv: oldSecretEnv ?? 'OLD_APP_SECRET', oldKeyFile, newSecretEnv: newSecretEnv ?? 'APP_SECRET' };
}

function secretFrom(env: Readonly<Record<string, string | undefined>>, name: string, what: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new UsageError(`the ${what} APP_SECRET is read from the environment variable ${name}, which is not set`);
  return value;
}

export async function rotateSecretCommand(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, out: Output): Promise<number> {
  let args: RotateArgs;
  let oldKey: MasterKey;
  let newKey: MasterKey;
  try {
    const parsed = parseArgs(argv);
    if (parsed === 'help') {
      out.stdout(ROTATE_USAGE);
      return 0;
    }
    args = parsed;
    newKey = await deriveMasterKey(secretFrom(env, args.newSecretEnv, 'new'));
    oldKey = args.oldKeyFile !== undefined ? readKeyFile(args.oldKeyFile) : await deriveMasterKey(secretFrom(env, args.oldSecretEnv, 'old'));
  } catch (error) {
    out.stderr(`error: ${(error as Error).message}\n${error instanceof UsageError ? ROTATE_USAGE : ''}`);
    return 2;
  }
  const url = env.DATABASE_URL !== undefined && env.DATABASE_URL !== '' ? env.DATABASE_URL : undefined;
  out.stdout(`re-encrypting credentials on ${url === undefined ? `the embedded database in ${env.DATA_DIR ?? './data'}` : redactUrl(url)}: key ${oldKey.id} → ${newKey.id}\n`);
  let storage;
  try {
    // 'verify': this tool runs no DDL, so the app's least-privilege role can run it
    storage = await openStorage({ env: {}, ...(url === undefined ? {} : { databaseUrl: url }), ...(env.DATA_DIR ? { dataDir: env.DATA_DIR } : {}), masterKey: oldKey, migrate: 'verify', logger: cliLogger({ stdout: () => undefined, stderr: out.stderr }) });
  } catch (error) {
    out.stderr(`error: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    const result = await rotateMasterKey(storage, oldKey, newKey);
    out.stdout(
      `re-encrypted ${result.rotated} credential set(s)` +
        (result.alreadyRotated > 0 ? ` (${result.alreadyRotated} already under the new key)` : '') +
        `; new key id ${result.newKeyId}.\nNow set APP_SECRET to the new secret in the server's environment and start the server.\n`,
    );
    return 0;
  } catch (error) {
    out.stderr(`rotation failed, nothing was changed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await storage.close();
  }
}
