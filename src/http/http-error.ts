import type { FastifyError, FastifyInstance } from 'fastify';
import { ResourceError, UsageError } from '../errors.js';

/** An error with an HTTP status whose message is safe to show to the client. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** JSON body of every error answer: a message, never a stack trace. */
export interface ErrorBody {
  error: string;
  statusCode: number;
}

/**
 * Installs JSON error and 404 handlers. Client errors (4xx, including Fastify's own
 * malformed-JSON and schema errors) keep their message; a {@link ResourceError} (the store
 * does not answer: a stopped PostgreSQL, a full disk) becomes a 503 the client may retry;
 * anything else becomes a generic 500. Server-side detail only goes to the log.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    // A UsageError from a shared validator (silences, config) is the client's mistake: 400.
    const status = err instanceof UsageError ? 400 : (err.statusCode ?? 500);
    if ((status >= 400 && status < 500) || err instanceof HttpError) {
      const message =
        (err as FastifyError).code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
        err instanceof SyntaxError ||
        (err as FastifyError).code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
          ? `malformed JSON body: ${err.message}`
          : err.message;
      return reply.code(status).send({ error: message, statusCode: status } satisfies ErrorBody);
    }
    req.log.error({ err }, 'request failed');
    if (err instanceof ResourceError) {
      reply.header('retry-after', '5');
      return reply.code(503).send({
        error: 'the store (database) did not answer; try again shortly (GET /healthz shows the state)',
        statusCode: 503,
      } satisfies ErrorBody);
    }
    return reply.code(500).send({ error: 'internal server error', statusCode: 500 } satisfies ErrorBody);
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({
      error: `no route ${req.method} ${req.url.split('?')[0]}`,
      statusCode: 404,
    } satisfies ErrorBody);
  });
}
