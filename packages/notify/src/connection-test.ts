// The dashboard's "Test connection" button: is the token accepted (getMe), and can the bot write
// to each configured chat (getChat)? Always answers with a result a person can act on.
import type { Clock } from '@mm/core';
import { BOT_TOKEN_PATTERN } from './settings.ts';
import { explainFailure, TelegramApi, type FetchLike, type TelegramFailureKind } from './telegram-api.ts';

export interface ChatCheck {
  readonly chatId: string;
  readonly ok: boolean;
  /** Group title or the person's name. */
  readonly title?: string;
  readonly type?: string;
  readonly error?: string;
}

export type ConnectionTestCode = 'not_configured' | 'invalid_token' | 'unauthorized' | 'unreachable' | 'timeout' | 'rate_limited' | 'error';

export type ConnectionTestResult =
  | { readonly ok: true; readonly botId: number; readonly botUsername: string; readonly chats: readonly ChatCheck[] }
  | { readonly ok: false; readonly code: ConnectionTestCode; readonly message: string };

export interface ConnectionTestInput {
  readonly apiBase: string;
  readonly token: string;
  readonly chatIds: readonly string[];
  readonly clock: Clock;
  readonly fetch?: FetchLike;
  readonly timeoutMs?: number;
}

function codeOf(kind: TelegramFailureKind): ConnectionTestCode {
  switch (kind) {
    case 'unauthorized':
      return 'unauthorized';
    case 'network':
      return 'unreachable';
    case 'timeout':
      return 'timeout';
    case 'rate_limited':
      return 'rate_limited';
    case 'bad_request':
    case 'forbidden':
    case 'conflict':
    case 'server':
    case 'protocol':
    case 'aborted':
      return 'error';
  }
}

interface ChatInfo {
  readonly type?: string;
  readonly title?: string;
  readonly first_name?: string;
  readonly username?: string;
}

export async function testTelegramConnection(input: ConnectionTestInput): Promise<ConnectionTestResult> {
  if (input.token === '') return { ok: false, code: 'not_configured', message: 'No bot token is set. Create a bot with @BotFather and paste its token.' };
  if (!BOT_TOKEN_PATTERN.test(input.token)) {
    return { ok: false, code: 'invalid_token', message: 'This does not look like a bot token: @BotFather gives one like 123456789:AAE…(35 characters).' };
  }
  try {
    const api = new TelegramApi({
      apiBase: input.apiBase,
      token: input.token,
      clock: input.clock,
      timeoutMs: input.timeoutMs ?? 10_000,
      ...(input.fetch === undefined ? {} : { fetch: input.fetch }),
    });
    const me = await api.call<{ id: number; username?: string; is_bot?: boolean }>('getMe', {});
    if (!me.ok) return { ok: false, code: codeOf(me.kind), message: explainFailure(me, api.apiBase) };
    const chats: ChatCheck[] = [];
    for (const chatId of input.chatIds) {
      const chat = await api.call<ChatInfo>('getChat', { chat_id: chatId });
      if (chat.ok) {
        const title = chat.result.title ?? chat.result.first_name ?? chat.result.username;
        chats.push({ chatId, ok: true, ...(title === undefined ? {} : { title }), ...(chat.result.type === undefined ? {} : { type: chat.result.type }) });
      } else {
        chats.push({ chatId, ok: false, error: explainFailure(chat, api.apiBase) });
      }
    }
    return { ok: true, botId: me.result.id, botUsername: me.result.username ?? '', chats };
  } catch (error) {
    // TelegramApi does not throw; this guards the promise the dashboard awaits all the same
    return { ok: false, code: 'error', message: `Connection test failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
