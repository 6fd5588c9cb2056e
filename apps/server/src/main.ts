// `npm start`: the product with an embedded database, the simulated exchange and the dashboard.
import { createApp } from './app.ts';
import { installProcessGuards } from '@mm/runner';

async function main(): Promise<void> {
  let app;
  try {
    app = await createApp();
  } catch (error) {
    process.stderr.write(`could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const address = await app.listen();
  const needsSetup = (await app.storage.users.count()) === 0;
  process.stdout.write(
    [
      '',
      `  mm-engine is running: ${address}`,
      needsSetup ? '  First run: open the address above and set the admin password.' : '  Log in with your admin password.',
      '  Unattended installs can set ADMIN_PASSWORD before the first start.',
      '',
    ].join('\n') + '\n',
  );
  let stopping = false;
  const stop = (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${reason}: stopping bots and cancelling their orders…\n`);
    const force = setTimeout(() => {
      process.stderr.write('shutdown took too long; exiting\n');
      process.exit(1);
    }, app.env.STOP_DEADLINE_MS + 15_000);
    force.unref();
    app
      .close()
      .then(() => process.exit(exitCode))
      .catch((error: unknown) => {
        process.stderr.write(`shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      });
  };
  installProcessGuards({ error: (details, message) => app.logger.error(details, message), shutdown: stop });
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
