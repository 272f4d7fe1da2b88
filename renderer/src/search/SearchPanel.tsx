import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { SEARCH_MAX_LIMIT, SEARCH_QUERY_MIN, type Message } from '@parley/shared';
import { Trans } from 'react-i18next';
import { t } from '../i18n';
import { userName } from '../i18n/rules';
import { CornerDownLeft, RotateCw, Search, SearchX, X } from 'lucide-react';
import { useClientState } from '../store/hooks';
import { selectConversations, selectMe, selectMessages } from '../store/selectors';
import { conversationTitle, directPeer } from '../lib/conversation';
import { formatClock, formatDayLabel, formatFull } from '../lib/format';
import { useNow } from '../lib/use-now';
import { Avatar } from '../components/Avatar';
import { EmptyState } from '../components/EmptyState';
import { IconButton } from '../components/IconButton';
import { Highlighted } from './Highlighted';
import { snippet } from './highlight';
import { useMessageSearch, type SearchStatus } from './use-message-search';
import type { SearchPanelState, SearchScope } from './use-search';

interface SearchPanelProps {
  state: SearchPanelState;
  /** The conversation on screen; the "This conversation" scope searches it. */
  conversationId: string | null;
  onScopeChange: (scope: SearchScope) => void;
  onPick: (hit: Message) => void;
  onClose: () => void;
}

interface Group {
  conversationId: string;
  title: string;
  avatarId: string;
  isGroup: boolean;
  hits: Message[];
}

/** "14:02" today, else "Yesterday, 14:02" or "12 March, 14:02". */
function hitTime(iso: string, now: number): string {
  const day = formatDayLabel(iso, now);
  return day === t('format.today') ? formatClock(iso) : t('search.hitTime', { day, time: formatClock(iso) });
}

/**
 * The message search panel (beside the chat; over it on narrow windows): a combobox whose
 * results are grouped by conversation, newest first, with the matched words highlighted.
 * ↑/↓ move, Enter opens the hit in its conversation, Esc closes.
 */
export function SearchPanel({ state, conversationId, onScopeChange, onPick, onClose }: SearchPanelProps) {
  const me = useClientState(selectMe);
  const conversations = useClientState(selectConversations);
  const windows = useClientState(selectMessages);
  const now = useNow(60_000);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [picked, setPicked] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const meId = me?.id ?? '';

  const here = conversationId ? conversations.find((c) => c.id === conversationId) : undefined;
  const scope: SearchScope = here && state.scope === 'conversation' ? 'conversation' : 'all';
  const { status, retry } = useMessageSearch(query, scope === 'conversation' ? (here?.id ?? null) : null);

  // A shortcut pressed again, or a hit just opened (its chat's composer takes the focus as it
  // mounts): the search field gets it back.
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [state.focusKey]);
  useEffect(() => {
    if (picked > 0) input.current?.focus();
  }, [picked]);

  const groups = useMemo(() => {
    const shown =
      status.kind === 'done' ? status.results : status.kind === 'loading' ? (status.previous ?? []) : [];
    const byId = new Map(conversations.map((c) => [c.id, c]));
    const result = new Map<string, Group>();
    for (const hit of shown) {
      // Deleted since the search ran (this device holds it): gone from the results too.
      if (windows[hit.conversationId]?.items.some((m) => m.id === hit.id && m.deletedAt)) continue;
      let group = result.get(hit.conversationId);
      if (!group) {
        const c = byId.get(hit.conversationId);
        group = {
          conversationId: hit.conversationId,
          title: c ? conversationTitle(c, meId) : t('search.unknownConversation'),
          avatarId: (c && directPeer(c, meId)?.id) ?? hit.conversationId,
          isGroup: c?.type === 'group',
          hits: [],
        };
        result.set(hit.conversationId, group);
      }
      group.hits.push(hit);
    }
    return [...result.values()];
  }, [status, conversations, windows, meId]);
  const flat = useMemo(() => groups.flatMap((g) => g.hits), [groups]);
  const current = flat[Math.min(active, flat.length - 1)];
  const senderName = (hit: Message): string => {
    if (hit.senderId === meId) return t('messages.you');
    const member = conversations
      .find((c) => c.id === hit.conversationId)
      ?.members.find((m) => m.id === hit.senderId);
    return member ? userName(member) : t('chat.unknownSender');
  };

  const open = (hit: Message) => {
    onPick(hit);
    setPicked((n) => n + 1);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.max(0, Math.min(flat.length - 1, active + (e.key === 'ArrowDown' ? 1 : -1)));
      setActive(next);
      const hit = flat[next];
      if (hit) document.getElementById(`${listId}-${hit.id}`)?.scrollIntoView({ block: 'nearest' });
    } else if (e.key === 'Enter' && current) {
      e.preventDefault();
      open(current);
    }
  };

  const q = query.trim();
  const scopeName = scope === 'conversation' && here ? conversationTitle(here, meId) : null;

  return (
    <aside
      className="search-panel"
      aria-label={t('search.title')}
      // Esc anywhere in the panel (field, scope buttons, Try again) closes it.
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        onClose();
      }}
    >
      <header className="search-panel-header">
        <label className="search-panel-field">
          <Search size={17} aria-hidden="true" />
          <input
            ref={input}
            type="search"
            placeholder={
              scopeName ? t('search.placeholderIn', { name: scopeName }) : t('search.placeholderAll')
            }
            aria-label={t('search.title')}
            role="combobox"
            aria-expanded={flat.length > 0}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={current ? `${listId}-${current.id}` : undefined}
            autoComplete="off"
            spellCheck={false}
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setActive(0);
            }}
            onKeyDown={onKeyDown}
          />
          {query && (
            <button
              type="button"
              className="search-clear"
              aria-label={t('search.clear')}
              onClick={() => {
                setQuery('');
                input.current?.focus();
              }}
            >
              <X size={14} />
            </button>
          )}
        </label>
        <IconButton label={t('search.close')} onClick={onClose}>
          <X size={18} />
        </IconButton>
      </header>
      {here && (
        <div className="segmented search-scope" role="group" aria-label={t('search.scopeLabel')}>
          {(['conversation', 'all'] as const).map((s) => (
            <button
              key={s}
              type="button"
              className={scope === s ? 'active' : ''}
              aria-pressed={scope === s}
              onClick={() => {
                onScopeChange(s);
                setActive(0);
                input.current?.focus();
              }}
            >
              {s === 'conversation' ? t('search.scopeConversation') : t('search.scopeAll')}
            </button>
          ))}
        </div>
      )}
      <p className="sr-only" role="status">
        {statusText(status, flat.length)}
      </p>
      <div className="search-body">
        <div
          className={`search-results${status.kind === 'loading' ? ' is-stale' : ''}`}
          id={listId}
          role="listbox"
          aria-label={t('emoji.results')}
          // Clicking a result must not take the focus out of the field (the list is not focusable).
          onMouseDown={(e) => e.preventDefault()}
        >
          {groups.map((g) => (
            <div key={g.conversationId} role="group" aria-label={g.title} className="search-group">
              {scope === 'all' && (
                <div className="search-group-title" aria-hidden="true">
                  <Avatar id={g.avatarId} name={g.title} size={22} group={g.isGroup} />
                  <span>{g.title}</span>
                </div>
              )}
              {g.hits.map((hit) => (
                <div
                  key={hit.id}
                  id={`${listId}-${hit.id}`}
                  role="option"
                  aria-selected={hit.id === current?.id}
                  className={`search-hit${hit.id === current?.id ? ' active' : ''}`}
                  data-testid="search-hit"
                  onMouseMove={() => setActive(flat.indexOf(hit))}
                  onClick={() => open(hit)}
                >
                  <div className="search-hit-meta">
                    <span className="search-hit-sender">{senderName(hit)}</span>
                    <time dateTime={hit.createdAt} title={formatFull(hit.createdAt)}>
                      {hitTime(hit.createdAt, now)}
                    </time>
                    {hit.id === current?.id && (
                      <CornerDownLeft size={13} className="search-hit-enter" aria-hidden="true" />
                    )}
                  </div>
                  <p className="search-hit-text">
                    <Highlighted segments={snippet(hit.body, q)} />
                  </p>
                </div>
              ))}
            </div>
          ))}
        </div>
        {status.kind === 'loading' && status.previous === null && <ResultsSkeleton />}
        <PanelState
          status={status}
          query={q}
          scopeName={scopeName}
          onRetry={() => {
            retry();
            input.current?.focus();
          }}
          onSearchAll={() => {
            onScopeChange('all');
            input.current?.focus();
          }}
        />
        {status.kind === 'done' && status.results.length >= SEARCH_MAX_LIMIT && (
          <p className="search-more">{t('search.more', { max: SEARCH_MAX_LIMIT })}</p>
        )}
      </div>
      <div className="switcher-hint search-hint" aria-hidden="true">
        <span>
          <Trans i18nKey="switcher.hintMove" components={{ kbd: <kbd /> }} />
        </span>
        <span>
          <Trans i18nKey="switcher.hintOpen" components={{ kbd: <kbd /> }} />
        </span>
        <span>
          <Trans i18nKey="switcher.hintClose" components={{ kbd: <kbd /> }} />
        </span>
      </div>
    </aside>
  );
}

function statusText(status: SearchStatus, count: number): string {
  switch (status.kind) {
    case 'loading':
      return t('search.searching');
    case 'done':
      return count === 0 ? t('search.noResults') : t('search.results', { count });
    case 'error':
      return t('search.failed');
    default:
      return '';
  }
}

/** What the panel says when there are no results to show. */
function PanelState({
  status,
  query,
  scopeName,
  onRetry,
  onSearchAll,
}: {
  status: SearchStatus;
  query: string;
  scopeName: string | null;
  onRetry: () => void;
  onSearchAll: () => void;
}) {
  if (status.kind === 'empty' || status.kind === 'too-short') {
    return (
      <EmptyState compact icon={<Search size={26} />} title={t('search.title')}>
        {status.kind === 'too-short'
          ? t('search.tooShort', { min: SEARCH_QUERY_MIN })
          : scopeName
            ? t('search.leadIn', { name: scopeName })
            : t('search.leadAll')}
      </EmptyState>
    );
  }
  if (status.kind === 'error') {
    return (
      <EmptyState
        compact
        icon={<SearchX size={26} />}
        title={t('search.couldNotSearch')}
        action={
          <button type="button" className="button" onClick={onRetry}>
            <RotateCw size={15} aria-hidden="true" /> {t('search.tryAgain')}
          </button>
        }
      >
        {status.error}
      </EmptyState>
    );
  }
  if (status.kind === 'done' && status.results.length === 0) {
    return (
      <EmptyState
        compact
        icon={<SearchX size={26} />}
        title={t('search.noMatch', { query })}
        action={
          scopeName ? (
            <button type="button" className="button" onClick={onSearchAll}>
              {t('search.placeholderAll')}
            </button>
          ) : undefined
        }
      >
        {t('search.noMatchLead')}
      </EmptyState>
    );
  }
  return null;
}

function ResultsSkeleton() {
  return (
    <div className="search-skeleton" aria-hidden="true">
      {[70, 52, 84].map((w, i) => (
        <div key={i} className="search-skeleton-hit">
          <span className="skeleton-line" style={{ width: '30%' }} />
          <span className="skeleton-line" style={{ width: `${w}%` }} />
        </div>
      ))}
    </div>
  );
}
