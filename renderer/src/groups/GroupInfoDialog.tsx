import { useRef, useState, type FormEvent } from 'react';
import * as Dialog from '@radix-ui/react-dialog';
import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import {
  ImagePlus,
  LogOut,
  MoreHorizontal,
  Pencil,
  Search,
  ShieldCheck,
  ShieldOff,
  UserMinus,
  UserPlus,
  X,
} from 'lucide-react';
import { GROUP_TITLE_MAX, type Conversation, type Member } from '@parley/shared';
import { Avatar } from '../components/Avatar';
import { useUserSearch } from '../app/NewChatDialog';
import { formatLastSeen } from '../lib/format';
import { visiblePresence } from '../lib/conversation';
import { showToast } from '../lib/toast';
import { errorText, t } from '../i18n';
import { useNow } from '../lib/use-now';
import { readImageFile } from '../settings/image-file';
import { useClientState, useHost } from '../store/hooks';
import { selectPresence } from '../store/selectors';
import '../settings/settings.css';
import './groups.css';

interface GroupInfoProps {
  conversation: Conversation;
  meId: string;
  open: boolean;
  onClose: () => void;
}

/**
 * The group info panel (from the chat header): picture and name, members with their role and
 * presence, and for group admins renaming, the picture, adding and removing people and
 * roles. Everyone may leave. Non-admins see the rest read-only.
 */
export function GroupInfoDialog({ conversation, meId, open, onClose }: GroupInfoProps) {
  return (
    <Dialog.Root open={open} onOpenChange={(o) => !o && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog page-dialog group-info" aria-describedby={undefined}>
          <div className="dialog-header">
            <Dialog.Title className="dialog-title">{t('chat.groupInfo')}</Dialog.Title>
            <Dialog.Close className="icon-button icon-button-ghost" aria-label={t('groups.close')}>
              <X size={18} />
            </Dialog.Close>
          </div>
          <GroupInfoBody conversation={conversation} meId={meId} />
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function GroupInfoBody({ conversation, meId }: { conversation: Conversation; meId: string }) {
  const isAdmin = conversation.members.some((m) => m.id === meId && m.role === 'admin');
  return (
    <div className="dialog-body page-body">
      <GroupHeader conversation={conversation} isAdmin={isAdmin} />
      <MembersSection conversation={conversation} meId={meId} isAdmin={isAdmin} />
      {isAdmin && <AddMembersSection conversation={conversation} />}
      <LeaveSection conversation={conversation} />
    </div>
  );
}

function GroupHeader({ conversation, isAdmin }: { conversation: Conversation; isAdmin: boolean }) {
  const host = useHost();
  const title = conversation.title ?? t('names.group');
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(title);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);

  const rename = async (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return setError(t('newChat.groupNameMissing'));
    const r = await host.groups.rename(conversation.id, trimmed);
    if (!r.ok) return setError(errorText(r));
    setEditing(false);
    setError(null);
  };
  const pick = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    const image = await readImageFile(file);
    const r = image.ok ? await host.groups.setAvatar(conversation.id, image.value) : image;
    setBusy(false);
    if (!r.ok) showToast(t('settings.couldNotChangePicture', { error: image.ok ? errorText(r) : r.error }));
  };

  return (
    <section className="settings-section group-header" aria-label={t('groups.about')}>
      <Avatar id={conversation.id} name={title} size={72} group picture={conversation.avatarId} />
      <div className="group-header-text">
        {editing ? (
          <form className="settings-form inline" onSubmit={(e) => void rename(e)}>
            <label className="field">
              <span className="field-label">{t('newChat.groupName')}</span>
              <input
                value={name}
                maxLength={GROUP_TITLE_MAX}
                autoFocus
                onChange={(e) => {
                  setName(e.target.value);
                  setError(null);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Escape') {
                    e.stopPropagation();
                    setEditing(false);
                  }
                }}
                aria-invalid={error ? true : undefined}
              />
              {error && <span className="field-error">{error}</span>}
            </label>
            <button type="submit" className="button button-primary">
              {t('common.save')}
            </button>
            <button type="button" className="button" onClick={() => setEditing(false)}>
              {t('common.cancel')}
            </button>
          </form>
        ) : (
          <h2 className="group-title" data-testid="group-info-title">
            {title}
          </h2>
        )}
        <p className="muted settings-hint">{t('chat.members', { count: conversation.members.length })}</p>
        {isAdmin && !editing && (
          <div className="settings-actions">
            <button
              type="button"
              className="button"
              onClick={() => {
                setName(title);
                setEditing(true);
              }}
            >
              <Pencil size={15} aria-hidden="true" /> {t('groups.rename')}
            </button>
            <input
              ref={fileRef}
              type="file"
              hidden
              accept="image/png,image/jpeg,image/gif,image/webp"
              aria-label={t('groups.choosePicture')}
              data-testid="group-avatar-input"
              onChange={(e) => {
                void pick(e.target.files?.[0]);
                e.target.value = '';
              }}
            />
            <button type="button" className="button" disabled={busy} onClick={() => fileRef.current?.click()}>
              <ImagePlus size={15} aria-hidden="true" />{' '}
              {conversation.avatarId ? t('settings.changePicture') : t('groups.addPicture')}
            </button>
          </div>
        )}
      </div>
    </section>
  );
}

function MembersSection({
  conversation,
  meId,
  isAdmin,
}: {
  conversation: Conversation;
  meId: string;
  isAdmin: boolean;
}) {
  const presence = useClientState(selectPresence);
  const connected = useClientState((s) => s.connection.status === 'connected');
  const now = useNow(30_000);
  // Admins first, then by name; you at the top of your group.
  const members = [...conversation.members].sort(
    (a, b) =>
      Number(b.id === meId) - Number(a.id === meId) ||
      Number(b.role === 'admin') - Number(a.role === 'admin') ||
      a.displayName.localeCompare(b.displayName),
  );
  return (
    <section className="settings-section" aria-labelledby="group-members">
      <h2 id="group-members">{t('groups.members')}</h2>
      <ul className="settings-list" aria-labelledby="group-members">
        {members.map((m) => {
          const p = visiblePresence(m, presence, connected, meId);
          return (
            <li key={m.id} className="settings-list-item" data-testid="group-member">
              <Avatar
                id={m.id}
                name={m.displayName}
                size={36}
                online={m.deactivated ? undefined : p.online}
                picture={m.avatarId}
              />
              <span className="settings-list-text">
                <span className="settings-list-name">
                  {m.displayName}
                  {m.id === meId && <span className="muted">{t('groups.you')}</span>}
                  {m.role === 'admin' && <span className="badge">{t('admin.badgeAdmin')}</span>}
                </span>
                <span className="muted settings-hint">
                  @{m.username} ·{' '}
                  {m.deactivated
                    ? t('groups.deactivated')
                    : p.online
                      ? t('chat.online')
                      : formatLastSeen(p.lastSeenAt, now)}
                </span>
              </span>
              {isAdmin && m.id !== meId && <MemberMenu conversation={conversation} member={m} />}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function MemberMenu({ conversation, member }: { conversation: Conversation; member: Member }) {
  const host = useHost();
  const report = (r: { ok: boolean; error?: string; code?: string }) => {
    if (!r.ok) showToast(errorText(r));
  };
  const admin = member.role === 'admin';
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger
        className="icon-button icon-button-ghost"
        aria-label={t('groups.actionsFor', { name: member.displayName })}
      >
        <MoreHorizontal size={18} />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="end" sideOffset={4}>
          <DropdownMenu.Item
            className="menu-item"
            onSelect={() =>
              void host.groups.setRole(conversation.id, member.id, admin ? 'member' : 'admin').then(report)
            }
          >
            {admin ? (
              <ShieldOff size={16} aria-hidden="true" />
            ) : (
              <ShieldCheck size={16} aria-hidden="true" />
            )}
            {admin ? t('groups.removeAdmin') : t('groups.makeAdmin')}
          </DropdownMenu.Item>
          <DropdownMenu.Item
            className="menu-item danger"
            onSelect={() => void host.groups.removeMember(conversation.id, member.id).then(report)}
          >
            <UserMinus size={16} aria-hidden="true" /> {t('groups.removeFromGroup')}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

function AddMembersSection({ conversation }: { conversation: Conversation }) {
  const host = useHost();
  const [query, setQuery] = useState('');
  const { results, loading, error } = useUserSearch(query, query.trim() !== '');
  const memberIds = new Set(conversation.members.map((m) => m.id));
  const candidates = query.trim() ? results.filter((u) => !memberIds.has(u.id)) : [];
  const add = async (userId: string, name: string) => {
    const r = await host.groups.addMembers(conversation.id, [userId]);
    if (r.ok) {
      showToast(t('groups.added', { name }), 'info');
      setQuery('');
    } else showToast(t('groups.couldNotAdd', { name, error: errorText(r) }));
  };
  return (
    <section className="settings-section" aria-labelledby="group-add">
      <h2 id="group-add">{t('groups.addPeople')}</h2>
      <label className="search-box">
        <Search size={16} aria-hidden="true" />
        <input
          type="search"
          placeholder={t('newChat.searchPlaceholder')}
          aria-label={t('groups.searchToAdd')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </label>
      {error && <p className="form-error">{error}</p>}
      {candidates.length > 0 && (
        <ul className="settings-list" aria-label={t('groups.peopleToAdd')}>
          {candidates.map((u) => (
            <li key={u.id} className="settings-list-item">
              <Avatar id={u.id} name={u.displayName} size={32} picture={u.avatarId} />
              <span className="settings-list-text">
                <span className="settings-list-name">{u.displayName}</span>
                <span className="muted settings-hint">@{u.username}</span>
              </span>
              <button
                type="button"
                className="button"
                onClick={() => void add(u.id, u.displayName)}
                aria-label={t('groups.addLabel', { name: u.displayName })}
              >
                <UserPlus size={15} aria-hidden="true" /> {t('groups.add')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {query.trim() && !loading && candidates.length === 0 && !error && (
        <p className="muted settings-hint">{t('groups.nobody', { query: query.trim() })}</p>
      )}
    </section>
  );
}

function LeaveSection({ conversation }: { conversation: Conversation }) {
  const host = useHost();
  const [confirming, setConfirming] = useState(false);
  return (
    <section className="settings-section danger-zone" aria-label={t('groups.leaveLabel')}>
      {!confirming ? (
        <div>
          <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
            <LogOut size={15} aria-hidden="true" /> {t('groups.leaveGroup')}
          </button>
        </div>
      ) : (
        <div className="settings-form" role="group" aria-label={t('groups.confirmLeaving')}>
          <p className="settings-hint">
            {t('groups.confirmLeave', { title: conversation.title ?? t('names.group') })}
          </p>
          <div className="settings-actions">
            <button type="button" className="button" onClick={() => setConfirming(false)} autoFocus>
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className="button button-danger"
              onClick={() =>
                void host.groups.leave(conversation.id).then((r) => {
                  if (r.ok)
                    showToast(t('groups.left', { title: conversation.title ?? t('names.group') }), 'info');
                  else showToast(t('groups.couldNotLeave', { error: errorText(r) }));
                })
              }
            >
              {t('groups.leave')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
