// Tests must never reach a real host: every REST call of the adapter goes through this fetch,
// which refuses anything but the loopback mock.
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export const loopbackOnlyFetch: typeof fetch = (input, init) => {
  const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const host = new URL(href).hostname;
  if (!LOOPBACK.has(host)) return Promise.reject(new Error(`test attempted a request to ${host}; only the loopback mock is allowed`));
  return fetch(input, init);
};

/** Throws if a URL is not on the loopback interface (for WebSocket URLs handed to adapters). */
export function assertLoopback(url: string): string {
  const host = new URL(url).hostname;
  if (!LOOPBACK.has(host)) throw new Error(`test URL ${url} is not on the loopback interface`);
  return url;
}
