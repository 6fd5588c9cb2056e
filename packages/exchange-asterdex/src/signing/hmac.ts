// V1 ("legacy") request signing: hex HMAC-SHA256 of the exact parameter text the venue
// receives, the query string followed directly by the body (no separator; the venue
// concatenates them the same way). The key travels separately in the X-MBX-APIKEY header.
import { createHmac } from 'node:crypto';

export const API_KEY_HEADER = 'X-MBX-APIKEY';

/** Hex signature of `query + body` with the account's secret. */
export function hmacSignature(secret: string, query: string, body = ''): string {
  return createHmac('sha256', secret).update(query + body).digest('hex');
}
