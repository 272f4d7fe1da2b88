/**
 * Limits that are part of the v1 contract. Server-side operational limits (rate limits,
 * payload sizes) are configurable and live in the server's config instead.
 */

/** The contract version reported by `GET /health` as `protocol`. */
export const PROTOCOL_VERSION = 1;

/** Usernames: 3 to 32 characters of a-z 0-9 _ . - (case-insensitive, stored lower-case). */
export const USERNAME_PATTERN = /^[a-z0-9_.-]{3,32}$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
export const DISPLAY_NAME_MAX = 64;
export const GROUP_TITLE_MAX = 100;
/** Message body length, counted after trimming. */
export const MESSAGE_BODY_MAX = 4000;
/** Idempotency keys are opaque to the server but bounded so they cannot bloat the index. */
export const CLIENT_ID_MAX = 64;
export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 200;
export const USER_SEARCH_LIMIT = 20;
export const GROUP_MEMBERS_MAX = 256;
/** A typing:start without a typing:stop expires after this long. */
export const TYPING_EXPIRY_MS = 6000;
/** v1.1: one reaction is one emoji (a grapheme cluster may take several code units). */
export const REACTION_EMOJI_MAX = 32;
/** v1.1: at most this many different emoji on one message. */
export const REACTIONS_PER_MESSAGE_MAX = 20;
/** v1.1: `GET .../changes` page size. */
export const CHANGES_DEFAULT_LIMIT = 200;
export const CHANGES_MAX_LIMIT = 500;
/** v1.1: a message carries at most this many attachments (and, with any, may have an empty body). */
export const ATTACHMENTS_PER_MESSAGE_MAX = 10;
/** v1.1: `GET /api/search`: the shortest query, the default and the largest page. */
export const SEARCH_QUERY_MIN = 2;
export const SEARCH_QUERY_MAX = 200;
export const SEARCH_DEFAULT_LIMIT = 20;
export const SEARCH_MAX_LIMIT = 50;
