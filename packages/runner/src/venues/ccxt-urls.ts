// How an account's base URL overrides reach ccxt (shared by live ccxt accounts and paper
// accounts fed by a ccxt exchange's public streams).

/**
 * A ccxt account's base URL overrides name entries of ccxt's `urls.api` for the venue, nested
 * keys joined with dots: `spot=https://…` or `ws.public.spot=wss://…`.
 */
export function ccxtApiUrls(baseUrls: Readonly<Record<string, string>>): Record<string, unknown> {
  const api: Record<string, unknown> = {};
  for (const [path, url] of Object.entries(baseUrls)) {
    const keys = path.split('.');
    let node = api;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      node = (node[key] = typeof next === 'object' && next !== null ? next : {}) as Record<string, unknown>;
    }
    node[keys[keys.length - 1]!] = url;
  }
  return api;
}
