/**
 * Message search (contract v1.1, `GET /api/search`): full-text over the caller's
 * conversations, answered by the server. It keeps no state: results are for the search UI
 * only and never enter the message windows (a hit is opened with `loadAround`).
 */
import { searchQuerySchema } from '../protocol/files.js';
import type { Message } from '../protocol/models.js';
import type { MessageSearchOptions } from '../host-api.js';
import type { ClientContext } from './context.js';
import { fail, invalid, ok, type Result } from './http.js';
import { parseMessages } from './messages.js';

/** The module behind `search.messages`. */
export type SearchModule = ReturnType<typeof createSearch>;

export function createSearch(ctx: ClientContext) {
  /**
   * Stored text messages matching `query` (every word, the last also as a prefix), newest
   * first. `invalid_input` for a query under 2 characters (the server's rule, checked here
   * first so typing a single letter costs no request), `not_found` for a conversation the
   * user is not in, `unsupported` on a v1 server.
   */
  async function messages(query: string, options?: MessageSearchOptions): Promise<Result<Message[]>> {
    const opts: Partial<MessageSearchOptions> =
      typeof options === 'object' && options !== null ? options : {};
    const input = searchQuerySchema.safeParse({
      q: typeof query === 'string' ? query : '',
      conversationId: opts.conversationId,
      limit: opts.limit,
    });
    if (!input.success) return invalid(input.error.issues);
    if (!ctx.session.me()) return fail('signed_out', 'Sign in first');
    if (ctx.state().server?.compatibility === 'legacy')
      return fail('unsupported', 'This server is too old to search messages');
    const { q, conversationId, limit } = input.data;
    const params = [`q=${encodeURIComponent(q)}`, `limit=${limit}`];
    if (conversationId !== undefined) params.push(`conversationId=${encodeURIComponent(conversationId)}`);
    const answer = await ctx.session.api<unknown>('GET', `/api/search?${params.join('&')}`);
    if (!answer.ok) return answer;
    const results = (answer.value as { results?: unknown } | null)?.results;
    if (!Array.isArray(results)) return fail('bad_response', 'The server sent search results without a list');
    // Messages that do not follow the contract are dropped, one by one, as in history pages;
    // so is anything outside what was asked for.
    return ok(
      parseMessages(results).filter(
        (m) => !m.deletedAt && (conversationId === undefined || m.conversationId === conversationId),
      ),
    );
  }

  return { messages };
}
