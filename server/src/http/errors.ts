import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

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
        request.log.error({ err }, 'request failed');
        error = new AppError('internal', 'Something went wrong on the server');
      }
    }
    return reply.code(error.status).send({ error: error.toBody() });
  });
}
