// The fleet the memory figures are taken with: 10 paper bots on the paper account, half on the
// DEMOUSDT spot market and half on the DEMOUSDT-PERP perpetual, each the demo bot's grid and
// volume target scaled to a tenth of the account, created and started through the HTTP API as an
// operator would.
import { demoBotScaled } from '../../apps/server/src/demo-bot.ts';

/** A JSON call against the server, as the dashboard makes it. */
export type ApiCall = (method: string, path: string, body?: unknown) => Promise<unknown>;

export function paperBotConfig(index: number): Record<string, unknown> {
  // ten bots share the paper account's 10,000 USDT and 20,000 DEMO (perp margin from the USDT)
  return demoBotScaled(
    { name: `memory bot ${index + 1}`, accountId: 'paper', symbol: index % 2 === 0 ? 'DEMOUSDT' : 'DEMOUSDT-PERP' },
    { bidBudgetQuote: '400', askBudgetBase: '800' },
    { dailyTargetQuote: '8000' },
  );
}

/** Creates and starts `count` bots; returns their ids. */
export async function startFleet(call: ApiCall, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = (await call('POST', '/api/bots', paperBotConfig(i))) as { id: string };
    await call('POST', `/api/bots/${created.id}/actions/start`);
    ids.push(created.id);
  }
  return ids;
}

/** A logged-in JSON client for a server at `base` and its session cookie; `setup` sets the first admin's password. */
export async function apiClient(base: string, password: string, setup: boolean): Promise<{ call: ApiCall; cookie: string }> {
  const post = (path: string, body: unknown) => fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const session = setup ? await post('/api/setup', { password }) : await post('/api/auth/login', { username: 'admin', password });
  if (!session.ok) throw new Error(`could not log in to ${base}: ${session.status} ${await session.text()}`);
  const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const call: ApiCall = async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  };
  return { call, cookie };
}
