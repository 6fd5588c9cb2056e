// Declares API routes once: method, path, auth, and zod schemas for params, query and body.
// Inputs are validated with the same schemas the dashboard uses (400 with field messages), and
// every route lands in the OpenAPI document generated from these declarations.
import { EngineError } from '@mm/core';
import type { FieldError } from '@mm/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ActiveSession } from '../auth/sessions.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteContext<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly session: ActiveSession | undefined;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export interface RouteSpec<P, Q, B> {
  readonly method: Method;
  readonly url: string;
  readonly summary: string;
  readonly tag: string;
  /** Default true: the route refuses a call without a valid session. */
  readonly auth?: boolean;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /** Response description for the OpenAPI document. */
  readonly response?: string;
  readonly handler: (ctx: RouteContext<P, Q, B>) => Promise<unknown> | unknown;
}

interface Declared {
  readonly method: Method;
  readonly url: string;
  readonly summary: string;
  readonly tag: string;
  readonly auth: boolean;
  readonly params: z.ZodType | undefined;
  readonly query: z.ZodType | undefined;
  readonly body: z.ZodType | undefined;
  readonly response: string | undefined;
}

export function fieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)', message: i.message }));
}

export function validationError(fields: readonly FieldError[], message = 'the request has invalid fields'): EngineError {
  return new EngineError('INVALID_ARGUMENT', `${message}: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, { details: { fields } });
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (schema === undefined) return undefined as T;
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (!result.success) throw validationError(fieldErrors(result.error, where === 'body' ? '' : where));
  return result.data;
}

export class Routes {
  readonly declared: Declared[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly authenticate: (request: FastifyRequest) => Promise<ActiveSession | undefined>,
  ) {}

  add<P = undefined, Q = undefined, B = undefined>(spec: RouteSpec<P, Q, B>): void {
    const auth = spec.auth ?? true;
    this.declared.push({ method: spec.method, url: spec.url, summary: spec.summary, tag: spec.tag, auth, params: spec.params, query: spec.query, body: spec.body, response: spec.response });
    this.app.route({
      method: spec.method,
      url: spec.url,
      handler: async (request, reply) => {
        const session = await this.authenticate(request);
        if (auth && session === undefined) throw new EngineError('UNAUTHENTICATED', 'log in first: this request needs a valid session');
        (request as FastifyRequest & { session?: ActiveSession }).session = session;
        const params = parse(spec.params, request.params, 'params');
        const query = parse(spec.query, request.query, 'query');
        const body = parse(spec.body, request.body, 'body');
        const result = await spec.handler({ params, query, body, session, request, reply });
        if (result === undefined && !reply.sent) return reply.code(204).send();
        return result;
      },
    });
  }

  /** OpenAPI 3.1 document of every declared route. */
  openApi(version: string): unknown {
    const paths: Record<string, Record<string, unknown>> = {};
    const schema = (s: z.ZodType | undefined) => (s === undefined ? undefined : z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' }));
    for (const r of this.declared) {
      const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const params: unknown[] = [];
      for (const [where, s] of [['path', r.params], ['query', r.query]] as const) {
        const json = schema(s) as { properties?: Record<string, unknown>; required?: string[] } | undefined;
        for (const [name, prop] of Object.entries(json?.properties ?? {})) {
          params.push({ name, in: where, required: where === 'path' || (json?.required ?? []).includes(name), schema: prop });
        }
      }
      (paths[path] ??= {})[r.method.toLowerCase()] = {
        summary: r.summary,
        tags: [r.tag],
        ...(r.auth ? { security: [{ session: [] }] } : {}),
        ...(params.length > 0 ? { parameters: params } : {}),
        ...(r.body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: schema(r.body) } } } }),
        responses: {
          '200': { description: r.response ?? 'OK' },
          '400': { description: 'Invalid input: { error: { code, message, fields } }' },
          ...(r.auth ? { '401': { description: 'Not logged in' } } : {}),
        },
      };
    }
    return {
      openapi: '3.1.0',
      info: { title: 'mm-engine API', version, description: 'Market-making and volume engine. Money and prices are decimal strings; times are epoch milliseconds.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'mm_session' } } },
      paths,
    };
  }
}
