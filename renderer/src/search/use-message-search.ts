import { errorText } from '../i18n';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { SEARCH_MAX_LIMIT, SEARCH_QUERY_MIN, type Message } from '@parley/shared';
import { useHost } from '../store/hooks';

/** How long typing must pause before a query goes to the server. */
export const SEARCH_DEBOUNCE_MS = 250;

export type SearchStatus =
  | { kind: 'empty' }
  | { kind: 'too-short' }
  /** A query is on its way; `previous` are the last results, shown dimmed meanwhile. */
  | { kind: 'loading'; previous: Message[] | null }
  | { kind: 'done'; results: Message[] }
  | { kind: 'error'; error: string };

interface Answer {
  key: string;
  results: Message[] | null;
  error: string | null;
}

/**
 * Searches as the user types: waits for a pause, asks the host, and keeps only the answer to
 * the latest query (an older one arriving late is dropped). `retry` asks again.
 */
export function useMessageSearch(
  query: string,
  conversationId: string | null,
): { status: SearchStatus; retry: () => void } {
  const host = useHost();
  const [attempt, setAttempt] = useState(0);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const q = query.trim();
  const key = JSON.stringify([q, conversationId, attempt]);
  const searchable = q.length >= SEARCH_QUERY_MIN;

  useEffect(() => {
    if (!searchable) return;
    let current = true;
    const timer = setTimeout(() => {
      const options = { limit: SEARCH_MAX_LIMIT, ...(conversationId ? { conversationId } : {}) };
      void host.search.messages(q, options).then((r) => {
        if (!current) return;
        setAnswer(
          r.ok ? { key, results: r.value, error: null } : { key, results: null, error: errorText(r) },
        );
      });
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [host, q, conversationId, key, searchable]);

  // Memoised, so what is derived from the results is only recomputed when they change.
  const status = useMemo((): SearchStatus => {
    if (q.length === 0) return { kind: 'empty' };
    if (!searchable) return { kind: 'too-short' };
    if (answer?.key !== key) return { kind: 'loading', previous: answer?.results ?? null };
    if (answer.error !== null) return { kind: 'error', error: answer.error };
    return { kind: 'done', results: answer.results ?? [] };
  }, [q, searchable, answer, key]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { status, retry };
}
