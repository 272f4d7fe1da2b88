import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import * as Dialog from '@radix-ui/react-dialog';
import { LoaderCircle, Search, UserRoundSearch, X } from 'lucide-react';
import { GROUP_TITLE_MAX, type User } from '@parley/shared';
import { useTranslation } from 'react-i18next';
import { errorText } from '../i18n';
import { useClientState, useHost } from '../store/hooks';
import { selectMe } from '../store/selectors';
import { Avatar } from '../components/Avatar';
import { focusMarkedField } from '../lib/dialog-focus';
import { showToast } from '../lib/toast';

export type NewChatMode = 'direct' | 'group';

interface NewChatDialogProps {
  mode: NewChatMode | null;
  onClose: () => void;
  onCreated: (conversationId: string) => void;
}

/** Debounced user search through the host (also used to add people to a group). */
export function useUserSearch(query: string, enabled: boolean) {
  const host = useHost();
  const [results, setResults] = useState<User[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    const t = setTimeout(() => {
      setLoading(true);
      void host.users.search(query.trim()).then((r) => {
        if (cancelled) return;
        setLoading(false);
        if (r.ok) {
          setResults(r.value);
          setError(null);
        } else setError(errorText(r));
      });
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [host, query, enabled]);
  return { results, loading, error };
}

export function NewChatDialog({ mode, onClose, onCreated }: NewChatDialogProps) {
  // A chat was opened: the composer has the focus, and keeps it rather than going back to the
  // button that opened the dialog (cancelling still returns there).
  const opened = useRef(false);
  const created = (id: string) => {
    opened.current = true;
    onCreated(id);
  };
  return (
    <Dialog.Root open={mode !== null} onOpenChange={(open) => !open && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content
          className="dialog"
          aria-describedby={undefined}
          onOpenAutoFocus={(e) => {
            opened.current = false;
            focusMarkedField(e);
          }}
          onCloseAutoFocus={(e) => {
            if (!opened.current) return;
            // The composer's own autofocus ran while this dialog still trapped the focus.
            e.preventDefault();
            document.querySelector<HTMLTextAreaElement>('.composer textarea')?.focus();
          }}
        >
          {mode && <NewChatBody key={mode} mode={mode} onClose={onClose} onCreated={created} />}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function NewChatBody({
  mode,
  onClose,
  onCreated,
}: {
  mode: NewChatMode;
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const { t } = useTranslation();
  const host = useHost();
  const me = useClientState(selectMe);
  const [query, setQuery] = useState('');
  const [title, setTitle] = useState('');
  const [selected, setSelected] = useState<User[]>([]);
  const [active, setActive] = useState(0);
  const [creating, setCreating] = useState(false);
  const [titleError, setTitleError] = useState<string | null>(null);
  const { results, loading, error } = useUserSearch(query, true);
  const others = results.filter((u) => u.id !== me?.id);
  const listId = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  const startDirect = async (user: User) => {
    setCreating(true);
    const r = await host.conversations.createDirect(user.id);
    setCreating(false);
    if (r.ok) onCreated(r.value.id);
    else showToast(t('newChat.couldNotStart', { error: errorText(r) }));
  };

  const toggle = (user: User) => {
    setSelected((s) => (s.some((u) => u.id === user.id) ? s.filter((u) => u.id !== user.id) : [...s, user]));
    inputRef.current?.focus();
  };

  const pick = (user: User) => {
    if (mode === 'direct') void startDirect(user);
    else toggle(user);
  };

  const createGroup = async (e: FormEvent) => {
    e.preventDefault();
    const name = title.trim();
    if (!name) {
      setTitleError(t('newChat.groupNameMissing'));
      return;
    }
    if (name.length > GROUP_TITLE_MAX) {
      setTitleError(t('newChat.groupNameTooLong', { max: GROUP_TITLE_MAX }));
      return;
    }
    setCreating(true);
    const r = await host.conversations.createGroup(
      name,
      selected.map((u) => u.id),
    );
    setCreating(false);
    if (r.ok) onCreated(r.value.id);
    else showToast(t('newChat.couldNotCreateGroup', { error: errorText(r) }));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(others.length - 1, a + 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === 'Enter') {
      const user = others[active];
      if (user) {
        e.preventDefault();
        pick(user);
      }
    } else if (e.key === 'Backspace' && !query && selected.length > 0) {
      setSelected((s) => s.slice(0, -1));
    }
  };

  return (
    <>
      <div className="dialog-header">
        <Dialog.Title className="dialog-title">
          {mode === 'direct' ? t('newChat.titleDirect') : t('newChat.titleGroup')}
        </Dialog.Title>
        <Dialog.Close className="icon-button icon-button-ghost" aria-label={t('common.close')}>
          <X size={18} />
        </Dialog.Close>
      </div>
      <form className="dialog-body" onSubmit={(e) => void createGroup(e)}>
        {mode === 'group' && (
          <label className="field">
            <span className="field-label">{t('newChat.groupName')}</span>
            <input
              value={title}
              onChange={(e) => {
                setTitle(e.target.value);
                setTitleError(null);
              }}
              placeholder={t('newChat.groupNamePlaceholder')}
              aria-invalid={titleError ? true : undefined}
              data-autofocus
            />
            {titleError && <span className="field-error">{titleError}</span>}
          </label>
        )}
        <div className="people-picker">
          {selected.length > 0 && (
            <ul className="chips" aria-label={t('newChat.selectedPeople')}>
              {selected.map((u) => (
                <li key={u.id} className="chip">
                  <Avatar id={u.id} name={u.displayName} size={20} />
                  {u.displayName}
                  <button
                    type="button"
                    aria-label={t('newChat.remove', { name: u.displayName })}
                    onClick={() => toggle(u)}
                  >
                    <X size={12} />
                  </button>
                </li>
              ))}
            </ul>
          )}
          <label className="search-box">
            <Search size={16} aria-hidden="true" />
            <input
              ref={inputRef}
              // A group is named first; a direct chat starts with the search.
              data-autofocus={mode === 'direct' ? true : undefined}
              type="search"
              placeholder={t('newChat.searchPlaceholder')}
              aria-label={t('newChat.searchLabel')}
              role="combobox"
              aria-expanded="true"
              aria-controls={listId}
              aria-activedescendant={others[active] ? `${listId}-${others[active].id}` : undefined}
              value={query}
              onChange={(e) => {
                setQuery(e.target.value);
                setActive(0);
              }}
              onKeyDown={onKeyDown}
              autoFocus={mode === 'direct'}
            />
            {loading && <LoaderCircle size={16} className="spin muted" aria-hidden="true" />}
          </label>
        </div>
        <ul
          className="picker-list"
          id={listId}
          role="listbox"
          aria-label={t('newChat.people')}
          aria-multiselectable={mode === 'group'}
        >
          {others.map((u, i) => {
            const isSelected = selected.some((s) => s.id === u.id);
            return (
              <li
                key={u.id}
                id={`${listId}-${u.id}`}
                role="option"
                aria-selected={mode === 'group' ? isSelected : i === active}
                className={`picker-item${i === active ? ' active' : ''}`}
                onMouseEnter={() => setActive(i)}
                onClick={() => pick(u)}
              >
                <Avatar
                  id={u.id}
                  name={u.displayName}
                  size={36}
                  online={u.online ?? undefined}
                  picture={u.avatarId}
                />
                <span className="picker-item-text">
                  <span className="picker-item-name">{u.displayName}</span>
                  <span className="picker-item-sub">@{u.username}</span>
                </span>
                {mode === 'group' && (
                  <span className={`checkbox${isSelected ? ' checked' : ''}`} aria-hidden="true" />
                )}
              </li>
            );
          })}
        </ul>
        {!loading && others.length === 0 && (
          <div className="picker-empty">
            <UserRoundSearch size={24} aria-hidden="true" />
            {error
              ? t('newChat.searchFailed', { error })
              : query.trim()
                ? t('newChat.nobody', { query: query.trim() })
                : t('newChat.hint')}
          </div>
        )}
        {mode === 'group' && (
          <div className="dialog-footer">
            <span className="muted">
              {selected.length === 0
                ? t('newChat.pickOne')
                : t('newChat.selected', { count: selected.length })}
            </span>
            <button type="button" className="button" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button
              type="submit"
              className="button button-primary"
              disabled={creating || selected.length === 0}
            >
              {creating && <LoaderCircle size={16} className="spin" aria-hidden="true" />}
              {t('newChat.createGroup')}
            </button>
          </div>
        )}
      </form>
    </>
  );
}
