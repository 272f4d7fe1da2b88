/**
 * English, the complete reference: every key the UI uses is here, and `de.ts` must have the
 * same shape (the compiler checks it through `Translation`). Top-level groups are per screen.
 * Plurals use i18next's suffixes (`_one`, `_other`) and are called with `{ count }`.
 */
export const en = {
  common: {
    close: 'Close',
    cancel: 'Cancel',
    save: 'Save',
    delete: 'Delete',
    retry: 'Retry',
    back: 'Back',
  },
  errors: {
    unknown: 'Something went wrong. Try again.',
    invalid_input: 'That input was not accepted.',
    username_taken: 'That username is taken',
    invalid_credentials: 'Wrong username or password',
    rate_limited: 'Too many attempts; try again in a minute',
    invalid_token: 'Your session is no longer valid; sign in again',
    token_expired: 'Your session expired; sign in again',
    refresh_reused: 'Your session is no longer valid; sign in again',
    unauthorized: 'Not signed in',
    not_found: 'Not found',
    payload_too_large: 'That is too large',
    busy: 'Busy',
    unavailable: 'Unavailable',
    internal: 'The server had a problem. Try again.',
    forbidden: 'You are not allowed to do that',
    too_large: 'That is too large',
    unsupported_media_type: 'That file type is not supported',
    gone: 'That is no longer available',
    network: 'The server could not be reached',
    timeout: 'The server did not answer in time',
    offline: 'Not connected to the server',
    signed_out: 'Not signed in',
    bad_response: 'The server answered with something unexpected',
    unsupported: 'The server is too old for this',
  },
  format: {
    today: 'Today',
    yesterday: 'Yesterday',
    offline: 'offline',
    lastSeenJustNow: 'last seen just now',
    lastSeenMinutes_one: 'last seen {{count}} min ago',
    lastSeenMinutes_other: 'last seen {{count}} min ago',
    lastSeenToday: 'last seen today at {{time}}',
    lastSeenYesterday: 'last seen yesterday at {{time}}',
    lastSeenOn: 'last seen {{day}}',
    joinTwo: '{{first}} and {{second}}',
    joinThree: '{{first}}, {{second}} and {{third}}',
    joinMore_one: '{{first}}, {{second}} and {{count}} other',
    joinMore_other: '{{first}}, {{second}} and {{count}} others',
  },
};

/** The shape every other language follows: the same keys, each a string. */
export type Translation<T = typeof en> = { [K in keyof T]: T[K] extends string ? string : Translation<T[K]> };
