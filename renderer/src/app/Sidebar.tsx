import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { MessageSquarePlus, MessagesSquare, Search, SquarePen, Users, WifiOff, X } from 'lucide-react';
import { useClientState } from '../store/hooks';
import { useMutedIds } from '../store/notification-prefs';
import {
  selectConnection,
  selectConversations,
  selectMe,
  selectMessages,
  selectPresence,
  selectTyping,
} from '../store/selectors';
import { useTranslation } from 'react-i18next';
import {
  conversationTitle,
  directPeer,
  isListedConversation,
  matchesFilter,
  previewText,
  sortByActivity,
  visiblePresence,
} from '../lib/conversation';
import { formatListTime } from '../lib/format';
import { rowTypingText } from '../lib/typing';
import { useNow } from '../lib/use-now';
import { modKey } from '../lib/platform';
import { ConversationRow, type ConversationRowData } from '../components/ConversationRow';
import { EmptyState } from '../components/EmptyState';
import { IconButton } from '../components/IconButton';
import { AccountMenu } from './AccountMenu';

interface SidebarProps {
  selectedId: string | null;
  onOpen: (id: string) => void;
  onNewChat: () => void;
  onNewGroup: () => void;
}

/**
 * Builds the list rows; shared with the quick switcher. The open conversation is always listed,
 * even an empty direct one someone else started (see `isListedConversation`), and its row never
 * says "typing…" (the chat's own indicator does, see lib/typing.ts).
 */
export function useConversationRows(openId: string | null = null): ConversationRowData[] {
  const me = useClientState(selectMe);
  const conversations = useClientState(selectConversations);
  const presence = useClientState(selectPresence);
  const typing = useClientState(selectTyping);
  const windows = useClientState(selectMessages);
  // Presence is only known while connected; a stale green dot would be a small lie.
  const connected = useClientState((st) => st.connection.status === 'connected');
  const now = useNow(30_000);
  const muted = useMutedIds();
  // A new `t` when the language changes: the rows' words are made again.
  const { t } = useTranslation();
  return useMemo(() => {
    const meId = me?.id ?? '';
    const listed = conversations.filter((c) => c.id === openId || isListedConversation(c, meId));
    return sortByActivity(listed).map((c): ConversationRowData => {
      const peer = directPeer(c, meId);
      const title = conversationTitle(c, meId);
      const typingText = rowTypingText(c, typing[c.id], meId, openId);
      // The outbox's newest message for this conversation, if it is newer than the server's.
      const items = windows[c.id]?.items;
      const local = items?.[items.length - 1];
      const failed = local?.status === 'failed';
      let preview = previewText(c, meId);
      if (local && local.status !== 'sent' && local.kind === 'text') {
        const body = local.body.replace(/\s+/g, ' ').trim();
        preview = failed ? t('sidebar.previewNotSent', { body }) : t('sidebar.previewYou', { body });
      }
      return {
        id: c.id,
        title,
        avatarId: peer?.id ?? c.id,
        picture: c.type === 'group' ? c.avatarId : peer?.avatarId,
        group: c.type === 'group',
        online: peer ? visiblePresence(peer, presence, connected).online : undefined,
        preview,
        typingText,
        time: formatListTime(c.lastMessage?.createdAt ?? c.createdAt, now),
        unreadCount: c.unreadCount,
        failed,
        muted: muted.has(c.id),
      };
    });
  }, [me, conversations, openId, presence, typing, windows, connected, now, muted, t]);
}

/** Placeholder rows while the first conversation list loads (skeletons, not a spinner). */
function ListSkeleton() {
  const { t } = useTranslation();
  return (
    <div className="conv-skeleton" aria-busy="true" aria-label={t('sidebar.loading')}>
      {[62, 48, 70, 55].map((w, i) => (
        <div key={i} className="conv-skeleton-row">
          <span className="skeleton-circle" />
          <span className="skeleton-lines">
            <span className="skeleton-line" style={{ width: `${w}%` }} />
            <span className="skeleton-line short" style={{ width: `${w + 20}%` }} />
          </span>
        </div>
      ))}
    </div>
  );
}

export function Sidebar({ selectedId, onOpen, onNewChat, onNewGroup }: SidebarProps) {
  const { t } = useTranslation();
  const rows = useConversationRows(selectedId);
  const conversations = useClientState(selectConversations);
  const me = useClientState(selectMe);
  const connection = useClientState(selectConnection);
  const [filter, setFilter] = useState('');
  const filterRef = useRef<HTMLInputElement>(null);
  const rowRefs = useRef(new Map<string, HTMLButtonElement>());

  const visible = useMemo(() => {
    if (!filter.trim()) return rows;
    const byId = new Map(conversations.map((c) => [c.id, c]));
    return rows.filter((r) => {
      const c = byId.get(r.id);
      return c ? matchesFilter(c, r.title, filter) : false;
    });
  }, [rows, conversations, filter]);

  const focusRow = (index: number) => {
    const row = visible[index];
    if (row) rowRefs.current.get(row.id)?.focus();
  };

  const onFilterKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      focusRow(0);
    } else if (e.key === 'Enter') {
      const first = visible[0];
      if (first) {
        e.preventDefault();
        onOpen(first.id);
      }
    } else if (e.key === 'Escape' && filter) {
      e.preventDefault();
      setFilter('');
    }
  };

  const onRowKeyDown = (index: number) => (e: KeyboardEvent<HTMLButtonElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      focusRow(Math.min(visible.length - 1, index + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (index === 0) filterRef.current?.focus();
      else focusRow(index - 1);
    } else if (e.key === 'Home') {
      e.preventDefault();
      focusRow(0);
    } else if (e.key === 'End') {
      e.preventDefault();
      focusRow(visible.length - 1);
    }
  };

  const statusText =
    connection.status === 'connected'
      ? t('sidebar.status.online')
      : connection.status === 'offline'
        ? t('sidebar.status.offline')
        : connection.status === 'reconnecting' || connection.status === 'connecting'
          ? t('sidebar.status.connecting')
          : '';

  return (
    <aside className="sidebar" aria-label={t('sidebar.label')}>
      <header className="sidebar-header">
        {me && <AccountMenu me={me} statusText={statusText} online={connection.status === 'connected'} />}
        <DropdownMenu.Root>
          <DropdownMenu.Trigger asChild>
            <IconButton label={t('sidebar.newConversation')}>
              <SquarePen size={18} />
            </IconButton>
          </DropdownMenu.Trigger>
          <DropdownMenu.Portal>
            <DropdownMenu.Content className="menu" align="end" sideOffset={6}>
              <DropdownMenu.Item className="menu-item" onSelect={onNewChat}>
                <MessageSquarePlus size={16} aria-hidden="true" /> {t('sidebar.newChat')}
              </DropdownMenu.Item>
              <DropdownMenu.Item className="menu-item" onSelect={onNewGroup}>
                <Users size={16} aria-hidden="true" /> {t('sidebar.newGroup')}
              </DropdownMenu.Item>
            </DropdownMenu.Content>
          </DropdownMenu.Portal>
        </DropdownMenu.Root>
      </header>
      <div className="sidebar-search">
        <label className="search-box">
          <Search size={16} aria-hidden="true" />
          <input
            ref={filterRef}
            type="search"
            placeholder={t('sidebar.searchPlaceholder')}
            aria-label={t('sidebar.filterLabel')}
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            onKeyDown={onFilterKeyDown}
          />
          {filter && (
            <button
              type="button"
              className="search-clear"
              aria-label={t('sidebar.clearFilter')}
              onClick={() => setFilter('')}
            >
              <X size={14} />
            </button>
          )}
          {!filter && (
            <kbd className="search-kbd" aria-hidden="true">
              {modKey} K
            </kbd>
          )}
        </label>
      </div>
      <nav className="conv-list" aria-label={t('sidebar.listLabel')}>
        {rows.length === 0 && (connection.status === 'connecting' || connection.status === 'idle') ? (
          <ListSkeleton />
        ) : rows.length === 0 && connection.status !== 'connected' ? (
          <EmptyState compact icon={<WifiOff size={28} />} title={t('sidebar.waitingTitle')}>
            {t('sidebar.waitingLead')}
          </EmptyState>
        ) : rows.length === 0 ? (
          <EmptyState
            compact
            icon={<MessagesSquare size={28} />}
            title={t('sidebar.emptyTitle')}
            action={
              // Only where the welcome pane beside the list is hidden (narrow windows).
              <button type="button" className="button button-primary narrow-only" onClick={onNewChat}>
                <MessageSquarePlus size={16} aria-hidden="true" /> {t('sidebar.newChat')}
              </button>
            }
          >
            {t('sidebar.emptyLead')}
          </EmptyState>
        ) : visible.length === 0 ? (
          <p className="conv-list-empty">{t('sidebar.noMatch', { query: filter.trim() })}</p>
        ) : (
          visible.map((row, i) => (
            <ConversationRow
              key={row.id}
              ref={(el) => {
                if (el) rowRefs.current.set(row.id, el);
                else rowRefs.current.delete(row.id);
              }}
              row={row}
              active={row.id === selectedId}
              onOpen={onOpen}
              onKeyDown={onRowKeyDown(i)}
            />
          ))
        )}
      </nav>
    </aside>
  );
}
