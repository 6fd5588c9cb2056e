// One error format for every API failure: { error: { code, message, fields? } }. Engine errors
// keep their code and HTTP status; framework errors (bad JSON, too large) become 4xx with a
// message; anything unexpected is a 500 whose details go to the log, never to the client.
import { isEngineError } from '@mm/core';
import type { EngineError } from '@mm/core';
import type { ApiErrorDto, FieldError } from '@mm/core';
import type { FastifyError, FastifyInstance } from 'fastify';

interface FrameworkError {
  readonly statusCode?: number;
  readonly code?: string;
  readonly message: string;
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | EngineError | Error, request, reply) => {
    if (isEngineError(error)) {
      const fields = (error.details as { fields?: readonly FieldError[] } | undefined)?.fields;
      const body: ApiErrorDto = { error: { code: error.code, message: error.message, ...(fields === undefined ? {} : { fields }) } };
      if (error.httpStatus >= 500) request.log.error({ err: error }, 'request failed');
      if (error.code === 'RATE_LIMITED' && typeof error.details?.retryAfterSeconds === 'number') reply.header('retry-after', String(error.details.retryAfterSeconds));
      return reply.code(error.httpStatus).send(body);
    }
    const fe = error as FrameworkError;
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      const body: ApiErrorDto = { error: { code: frameworkCode(fe), message: frameworkMessage(fe) } };
      return reply.code(fe.statusCode).send(body);
    }
    request.log.error({ err: error }, 'unexpected error');
    const body: ApiErrorDto = { error: { code: 'INTERNAL', message: 'an internal error occurred; it has been logged' } };
    return reply.code(500).send(body);
  });
}

/** Unknown API paths get a JSON 404; page paths get the dashboard (it routes in the browser). */
export function installNotFound(app: FastifyInstance, hasDashboard: boolean): void {
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const isPage = request.method === 'GET' && !path.startsWith('/api/') && path !== '/metrics' && !path.startsWith('/ws');
    if (hasDashboard && isPage) return reply.sendFile('index.html');
    const body: ApiErrorDto = { error: { code: 'NOT_FOUND', message: `no route ${request.method} ${path}` } };
    return reply.code(404).send(body);
  });
}

function frameworkCode(e: FrameworkError): string {
  if (e.statusCode === 413) return 'PAYLOAD_TOO_LARGE';
  if (e.statusCode === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  return 'INVALID_ARGUMENT';
}

function frameworkMessage(e: FrameworkError): string {
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/i.test(e.message)) return 'the request body is not valid JSON';
  if (e.statusCode === 413) return 'the request body is too large';
  if (e.statusCode === 415) return 'send the body as application/json';
  if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'the request body is empty; send a JSON object';
  return e.message;
}
