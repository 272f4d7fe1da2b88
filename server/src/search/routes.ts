import { searchQuerySchema, type SearchResponse } from '@parley/shared';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { notFound, parseInput } from '../errors.js';

/**
 * `GET /api/search?q=&conversationId=&limit=`: live messages in the caller's conversations,
 * newest first. A `conversationId` the caller is not a member of is answered 404, exactly as
 * one that does not exist (the contract's rule for conversations).
 */
export function registerSearchRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/search', async (request) => {
    const { userId } = await ctx.authenticate(request);
    const query = parseInput(searchQuerySchema, request.query);
    if (query.conversationId !== undefined && !(await ctx.repo.isMember(query.conversationId, userId))) {
      throw notFound();
    }
    const results = await ctx.repo.searchMessages({
      userId,
      query: query.q,
      conversationId: query.conversationId,
      limit: query.limit,
    });
    const body: SearchResponse = { results };
    return body;
  });
}
