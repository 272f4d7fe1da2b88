import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, unexpectedError } from '../errors.js';

/** Every HTTP error leaves as `{ error: { code, message, fields? } }`. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    let error: AppError;
    if (err instanceof AppError) {
      error = err;
    } else {
      const status = 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500;
      if (status === 413) error = new AppError('payload_too_large', 'The request body is too large');
      else if (status === 429) error = new AppError('rate_limited', 'Too many requests');
      else if (status === 404) error = new AppError('not_found', 'Not found');
      // Malformed JSON, an empty JSON body, an unsupported content type...
      else if (status >= 400 && status < 500) error = new AppError('invalid_input', err.message);
      else {
        error = unexpectedError(err);
        request.log.error({ err, code: error.code }, 'request failed');
      }
    }
    return reply.code(error.status).send({ error: error.toBody() });
  });
}

/** The error body as raw JSON, for answers written before Fastify has a reply object. */
const errorJson = (code: 'invalid_input', message: string) => JSON.stringify({ error: { code, message } });

/**
 * Fastify options that give the contract's error shape to what fails before any route or
 * error handler runs: a malformed URL escape (Fastify's FST_ERR_BAD_URL) and requests Node's
 * HTTP parser rejects (headers too large: 431, a timeout: 408, garbage: 400).
 */
export const preRouteErrorOptions = {
  frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
    const message = error.code === 'FST_ERR_BAD_URL' ? 'The URL is malformed' : 'The request is malformed';
    void reply.code(400).type('application/json').send(errorJson('invalid_input', message));
  },
  clientErrorHandler(error: Error & { code?: string }, socket: Duplex) {
    // The client is gone: there is nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, reason, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'The request headers are too large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout', 'The request took too long to arrive']
          : [400, 'Bad Request', 'The request is malformed'];
    const body = errorJson('invalid_input', message);
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Content-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  },
};
