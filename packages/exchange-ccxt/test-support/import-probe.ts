// Run as a child process: reports whether ccxt is loaded after importing the package, and
// after the first connect. A module resolve hook (node:module register) sees every import the
// process makes, static or dynamic, so "not loaded" is proven, not assumed.
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const { port1, port2 } = new MessageChannel();
const seen: string[] = [];
port1.on('message', (url: string) => seen.push(url));
port1.unref();
const hook = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (/\\/node_modules\\/ccxt\\//.test(result.url)) port.postMessage(result.url);
  return result;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { port: port2 }, transferList: [port2] });

const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));
const mod = await import('../src/index.ts');
await flush();
const afterImport = seen.length;
const { startCcxtMock, TEST_SYMBOL } = await import('./harness.ts');
// the harness derives the wallet address with ccxt; clear what that loaded before measuring connect
const setup = await startCcxtMock();
await flush();
const beforeConnect = { flag: mod.isCcxtLoaded() };
const adapter = setup.adapter('probe');
await adapter.connect();
await flush();
const afterConnect = { flag: mod.isCcxtLoaded(), instrument: adapter.instrument(TEST_SYMBOL).symbol };
await setup.close();
process.stdout.write(`${JSON.stringify({ afterImport, beforeConnect, afterConnect, total: seen.length })}\n`);
process.exit(0);
