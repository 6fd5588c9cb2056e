// The no-third-party-fee rule, enforced on the wire. ccxt adds fees, broker ids and referral
// tags on several venues by default (Aster: builder + feeRate 10 bp and a builder approval on
// sign-in; Binance/OKX/HTX: broker-prefixed client ids and tags; MEXC, Gate, KuCoin, Bybit,
// Bitget: attribution headers). Options switch off what ccxt lets us switch off
// (profiles.ts); this guard inspects every request right before it leaves and:
// - refuses (throws, nothing is sent) a request that carries a fee, broker or referral
//   parameter, calls a builder/broker/referral endpoint, or (during an order submit) carries a
//   client order id that is not one of ours (a broker-prefixed id ccxt generated);
// - strips attribution headers (not part of any signature).
import { EngineError } from '@mm/core';

const FORBIDDEN_PARAMS = new Set(
  [
    'builder', 'builderFee', 'builderRate', 'builderName', 'feeRate', 'maxFeeRate', 'broker', 'brokerId', 'brokerName',
    'referral', 'referrer', 'referralCode', 'refCode', 'inviteCode', 'affiliate', 'affiliateId', 'partner', 'partnerId',
    'channelId', 'channelCode', 'channelApiCode',
  ].map(normalise),
);

/** Parameters that name the client order id of a new order, across venues. */
const CLIENT_ID_PARAMS = new Set(['newClientOrderId', 'clientOrderId', 'clOrdId', 'clientOid', 'client_oid', 'text', 'orderLinkId', 'client-order-id', 'client_order_id'].map(normalise));

const ATTRIBUTION_HEADER = /broker|partner|refer|affiliate|channel-id|channel-api-code|^source$/i;

const FORBIDDEN_PATH = /approvebuilder|updatebuilder|\/builder(\/|$|\?)|apireferral|\/broker\/|\/affiliate|\/rebate\//i;

function normalise(name: string): string {
  return name.replace(/[-_]/g, '').toLowerCase();
}

export interface GuardOptions {
  readonly venue: string;
  /** Venue-specific attribution parameters (profiles.ts). */
  readonly extraForbidden?: readonly string[];
  /**
   * Inside an order submit: the client ids being submitted; any other client id on that request
   * is refused. Undefined outside a submit (cancels and queries name existing orders).
   */
  readonly submittingClientIds: () => ReadonlySet<string> | undefined;
  /** Prefix the venue requires in front of our ids (Gate: "t-"). */
  readonly clientIdPrefix?: string;
}

export interface OutgoingRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export class FeeGuard {
  private readonly forbidden: Set<string>;
  /** Requests refused so far (diagnostics, tests). */
  refused = 0;

  constructor(private readonly options: GuardOptions) {
    this.forbidden = new Set([...FORBIDDEN_PARAMS, ...(options.extraForbidden ?? []).map(normalise)]);
  }

  /** Headers without attribution entries. */
  stripHeaders(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers ?? {})) if (!ATTRIBUTION_HEADER.test(name)) out[name] = value;
    return out;
  }

  /** Throws (nothing is sent) when the request would carry a third-party fee, broker or referral. */
  check(request: OutgoingRequest): void {
    const url = new URL(request.url);
    if (FORBIDDEN_PATH.test(url.pathname)) this.refuse(`${request.method} ${url.pathname} is a builder/broker/referral endpoint`);
    const params: [string, unknown][] = [...url.searchParams.entries()];
    params.push(...bodyParams(request.body));
    for (const [name, value] of params) {
      const key = normalise(name);
      if (this.forbidden.has(key)) this.refuse(`parameter "${name}" (a third-party fee, broker or referral field) on ${request.method} ${url.pathname}`);
      if (CLIENT_ID_PARAMS.has(key) && typeof value === 'string' && !this.isOwnClientId(value)) {
        this.refuse(`client order id "${value}" on ${request.method} ${url.pathname} is not one the engine registered (ccxt may have generated a broker-prefixed id)`);
      }
    }
  }

  private isOwnClientId(value: string): boolean {
    const submitting = this.options.submittingClientIds();
    if (submitting === undefined) return true;
    const prefix = this.options.clientIdPrefix;
    const id = prefix !== undefined && value.startsWith(prefix) ? value.slice(prefix.length) : value;
    return submitting.has(id);
  }

  private refuse(what: string): never {
    this.refused++;
    throw new EngineError('PERMISSION_DENIED', `${this.options.venue}: refused to send ${what}; third-party fees, broker and referral parameters are never allowed (see packages/exchange-ccxt/README.md)`);
  }
}

/** Parameters of a JSON or form body, nested JSON keys included. */
function bodyParams(body: unknown): [string, unknown][] {
  if (body === undefined || body === null || body === '') return [];
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : undefined;
  if (text === undefined) return typeof body === 'object' ? walk(body) : [];
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return walk(JSON.parse(trimmed) as unknown);
    } catch {
      // not JSON after all: read it as a form
    }
  }
  const out: [string, unknown][] = [];
  for (const [k, v] of new URLSearchParams(trimmed)) {
    out.push([k, v]);
    // list parameters (batchOrders=[{...}]) carry nested orders
    if (v.startsWith('[') || v.startsWith('{')) {
      try {
        out.push(...walk(JSON.parse(v) as unknown));
      } catch {
        // a plain value that happens to start with a bracket
      }
    }
  }
  return out;
}

function walk(value: unknown): [string, unknown][] {
  const out: [string, unknown][] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        out.push([k, inner]);
        visit(inner);
      }
    }
  };
  visit(value);
  return out;
}
