// Preloaded into every test process by scripts/test.mjs: no test may reach a real host. Every
// TCP connection (HTTP, WebSocket, TLS, database drivers all go through net.Socket) must target
// the loopback interface or a local socket path; anything else fails with a clear error instead.
import net from 'node:net';

const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]']);

function isLoopback(host) {
  return LOOPBACK_NAMES.has(host) || host.startsWith('127.') || host.startsWith('::ffff:127.');
}

/** The host a connect() call targets, or undefined for a local socket path. */
function targetHost(args) {
  // Node's own callers pass the normalized [options, callback] pair as one array
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first !== null && typeof first === 'object') return first.path !== undefined ? undefined : String(first.host ?? 'localhost');
  if (typeof first === 'string' && Number.isNaN(Number(first))) return undefined;
  return typeof args[1] === 'string' ? args[1] : 'localhost';
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const host = targetHost(args);
  if (host !== undefined && !isLoopback(host)) {
    process.nextTick(() => this.destroy(new Error(`tests may not reach a real host: connection to ${host} refused by scripts/test-network-guard.mjs`)));
    return this;
  }
  return connect.apply(this, args);
};
