/**
 * Error codes that travel on the wire, in HTTP error bodies and in socket acks.
 * Clients switch on `code`; `message` is for humans.
 */
export const ERROR_CODES = [
  'invalid_input',
  'username_taken',
  'invalid_credentials',
  'rate_limited',
  'invalid_token',
  'token_expired',
  'refresh_reused',
  'unauthorized',
  'not_found',
  'payload_too_large',
  'busy',
  'unavailable',
  'internal',
  // v1.1
  'forbidden',
  'too_large',
  'unsupported_media_type',
  'gone',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The error object of an HTTP error body (`{ error }`) and of a failed ack. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** For `invalid_input`: the bad fields, each with a human explanation. */
  fields?: Record<string, string>;
}

/** The HTTP error body. */
export interface ErrorResponse {
  error: ErrorBody;
}
