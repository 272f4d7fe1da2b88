import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import { unreadBadge } from '@parley/shared';
import * as Dialog from '@radix-ui/react-dialog';
import { CornerDownLeft, Search } from 'lucide-react';
import { Trans, useTranslation } from 'react-i18next';
import { useClientState } from '../store/hooks';
import { selectConversations } from '../store/selectors';
import { matchesFilter } from '../lib/conversation';
import { Avatar } from '../components/Avatar';
import { useConversationRows } from './Sidebar';

interface QuickSwitcherProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onPick: (conversationId: string) => void;
}

/** Ctrl/Cmd+K: jump to any conversation by typing part of its name. */
export function QuickSwitcher({ open, onOpenChange, onPick }: QuickSwitcherProps) {
  const { t } = useTranslation();
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog dialog-switcher" aria-describedby={undefined}>
          <Dialog.Title className="sr-only">{t('switcher.title')}</Dialog.Title>
          {open && <SwitcherBody onPick={onPick} />}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function SwitcherBody({ onPick }: { onPick: (id: string) => void }) {
  const { t } = useTranslation();
  const rows = useConversationRows();
  const conversations = useClientState(selectConversations);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const matches = useMemo(() => {
    const byId = new Map(conversations.map((c) => [c.id, c]));
    return rows.filter((r) => {
      const c = byId.get(r.id);
      return c ? matchesFilter(c, r.title, query) : false;
    });
  }, [rows, conversations, query]);
  const current = matches[Math.min(active, matches.length - 1)];

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(matches.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter' && current) {
      e.preventDefault();
      onPick(current.id);
    }
  };

  return (
    <div className="switcher">
      <label className="switcher-input">
        <Search size={18} aria-hidden="true" />
        <input
          autoFocus
          placeholder={t('switcher.placeholder')}
          aria-label={t('switcher.label')}
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-activedescendant={current ? `${listId}-${current.id}` : undefined}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
        />
      </label>
      <ul className="switcher-list" id={listId} role="listbox" aria-label={t('switcher.listLabel')}>
        {matches.map((r) => (
          <li
            key={r.id}
            id={`${listId}-${r.id}`}
            role="option"
            aria-selected={r.id === current?.id}
            className={`switcher-item${r.id === current?.id ? ' active' : ''}`}
            onMouseMove={() => setActive(matches.indexOf(r))}
            onClick={() => onPick(r.id)}
          >
            <Avatar
              id={r.avatarId}
              name={r.title}
              size={28}
              online={r.online}
              group={r.group}
              picture={r.picture}
            />
            <span className="switcher-item-title">{r.title}</span>
            {r.unreadCount > 0 && <span className="unread-pill">{unreadBadge(r.unreadCount)}</span>}
            {r.id === current?.id && <CornerDownLeft size={14} className="muted" aria-hidden="true" />}
          </li>
        ))}
        {matches.length === 0 && (
          <li className="switcher-empty">{t('switcher.noMatch', { query: query.trim() })}</li>
        )}
      </ul>
      <div className="switcher-hint" aria-hidden="true">
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
    </div>
  );
}
