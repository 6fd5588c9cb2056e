// The simulated exchange as a network venue for remote runners:
//   npm run sim-venue -- --port 7070 [--host 127.0.0.1] [--token T] [--seed S]
// Prints one line "sim venue listening on ws://host:port/venue" once it accepts connections
// (tests parse it) and stops cleanly on SIGTERM / SIGINT. The token may also come from
// SIM_VENUE_TOKEN, so it need not show in the process list.
import { parseArgs } from 'node:util';
import { startSimVenue } from '../packages/exchange-sim/src/index.ts';

function fail(message) {
  process.stderr.write(`sim-venue: ${message}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '7070' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
      seed: { type: 'string', default: '1' },
    },
    strict: true,
  }));
} catch (error) {
  fail(`${error.message}\nusage: npm run sim-venue -- --port 7070 [--host 127.0.0.1] [--token T] [--seed S]`);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer 0..65535, got "${values.port}"`);
const token = values.token ?? process.env.SIM_VENUE_TOKEN;
const seed = /^\d+$/.test(values.seed) ? Number(values.seed) : values.seed;

let venue;
try {
  venue = await startSimVenue({
    port,
    host: values.host,
    seed,
    ...(token ? { token } : {}),
    log: (level, message) => process.stderr.write(`${new Date().toISOString()} ${level} ${message}\n`),
  });
} catch (error) {
  fail(`could not start: ${error.message}`);
}
process.stdout.write(`sim venue listening on ${venue.url}\n`);

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`sim-venue: ${signal}, stopping\n`);
  try {
    await venue.close();
    process.exit(0);
  } catch (error) {
    process.stderr.write(`sim-venue: close failed: ${error.message}\n`);
    process.exit(1);
  }
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
