import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ArrowLeft, Bell, BellOff, Info, MessageCircle, Phone, Search, Video } from 'lucide-react';
import type { MessageView, User } from '@parley/shared';
import { shouldRepeatTyping, TYPING_IDLE_MS } from '@parley/shared';
import { useTranslation } from 'react-i18next';
import { errorText, t as translate } from '../i18n';
import { shortName } from '../i18n/rules';
import { useClientState, useHost } from '../store/hooks';
import { useNotificationControls } from '../store/notification-prefs';
import {
  selectCallBusy,
  selectConversation,
  selectMe,
  selectPresence,
  selectReads,
  selectTyping,
  selectWindow,
} from '../store/selectors';
import { conversationTitle, directPeer, visiblePresence } from '../lib/conversation';
import { ellipsize, formatLastSeen } from '../lib/format';
import { chatTypingText } from '../lib/typing';
import { getDraft, setDraft } from '../lib/drafts';
import { showToast } from '../lib/toast';
import { useNow } from '../lib/use-now';
import { Avatar } from '../components/Avatar';
import { Composer, type ComposerHandle } from '../components/Composer';
import { EmptyState } from '../components/EmptyState';
import { IconButton } from '../components/IconButton';
import { TypingIndicator } from '../components/TypingIndicator';
import type { MessageActionHandlers } from '../messages/actions';
import { quoteText } from '../messages/actions';
import { DeleteMessageDialog } from '../messages/DeleteMessageDialog';
import type { JumpRequest } from '../search/use-search';
import { MessageList, type MessageListHandle } from './MessageList';
import { usePendingFiles } from '../attachments/use-pending-files';
import { DropZone, useFileDrop } from '../attachments/DropZone';
import { LazyBoundary, lazyNamed, useOpenedOnce } from '../components/Lazy';

const GroupInfoDialog = lazyNamed(() => import('../groups/GroupInfoDialog'), 'GroupInfoDialog');

interface ChatViewProps {
  conversationId: string;
  onBack: () => void;
  /** Opens message search in this conversation (the header's button). */
  onSearch?: () => void;
  /** A message to scroll to and flash (a search hit); `onJumpDone` once it was asked for. */
  jump?: JumpRequest | null;
  onJumpDone?: () => void;
}

function useTypingSignal(conversationId: string) {
  const host = useHost();
  const state = useRef({ sentAt: 0, idle: 0 as ReturnType<typeof setTimeout> | 0 });

  const stop = useCallback(() => {
    const s = state.current;
    if (s.idle) clearTimeout(s.idle);
    s.idle = 0;
    if (s.sentAt) {
      s.sentAt = 0;
      void host.messages.setTyping(conversationId, false);
    }
  }, [host, conversationId]);

  const onText = useCallback(
    (text: string) => {
      if (!text.trim()) {
        stop();
        return;
      }
      const s = state.current;
      const now = Date.now();
      if (shouldRepeatTyping(s.sentAt || undefined, now)) {
        s.sentAt = now;
        void host.messages.setTyping(conversationId, true);
      }
      if (s.idle) clearTimeout(s.idle);
      s.idle = setTimeout(stop, TYPING_IDLE_MS);
    },
    [host, conversationId, stop],
  );

  useEffect(() => stop, [stop]);
  return { onText, stop };
}

/** Call failures the ended call screen explains itself (see `endedText`). */
const CALL_SCREEN_EXPLAINS = new Set(['busy', 'unavailable']);

export function ChatView({ conversationId, onBack, onSearch, jump, onJumpDone }: ChatViewProps) {
  const { t } = useTranslation();
  const host = useHost();
  const me = useClientState(selectMe);
  const conversation = useClientState(useMemo(() => selectConversation(conversationId), [conversationId]));
  const window_ = useClientState(useMemo(() => selectWindow(conversationId), [conversationId]));
  const presence = useClientState(selectPresence);
  const typingMap = useClientState(selectTyping);
  const reads = useClientState(selectReads);
  const callBusy = useClientState(selectCallBusy);
  // Null when the host keeps no notification prefs: then there is no mute button at all.
  const notifications = useNotificationControls();
  // Presence is only known while connected; stale "online" would mislead.
  const connected = useClientState((st) => st.connection.status === 'connected');
  const now = useNow(30_000);
  const listRef = useRef<MessageListHandle>(null);
  const { onText, stop } = useTypingSignal(conversationId);
  // The read position when the conversation was opened: where "New messages" goes. Frozen
  // on purpose, so the divider stays put while the messages below it get marked read.
  const [unreadAfterSeq] = useState(() =>
    conversation && conversation.unreadCount > 0 ? conversation.readSeq : null,
  );

  const meId = me?.id ?? '';
  const composerRef = useRef<ComposerHandle>(null);
  const [replyTo, setReplyTo] = useState<MessageView | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<MessageView | null>(null);
  const limits = useClientState((st) => st.server?.limits) ?? undefined;
  const files = usePendingFiles(
    host,
    useMemo(() => ({ ...limits }), [limits]),
  );
  // A v1 server has no attachments: no attach button, nothing to drop.
  const canAttach = useClientState((st) => st.server?.compatibility !== 'legacy');
  const drop = useFileDrop(files.add);
  const [groupInfoOpen, setGroupInfoOpen] = useState(false);
  const groupInfoMounted = useOpenedOnce(groupInfoOpen);

  const onSend = useCallback(
    (body: string, attachmentIds: string[]) => {
      stop();
      setDraft(conversationId, '');
      setReplyTo(null);
      listRef.current?.scrollToBottom();
      void host.messages
        .send(conversationId, body, {
          ...(replyTo ? { replyToId: replyTo.id } : {}),
          ...(attachmentIds.length > 0 ? { attachmentIds } : {}),
        })
        .then((r) => {
          if (!r.ok) showToast(translate('chat.couldNotSend', { error: errorText(r) }));
        });
    },
    [host, conversationId, stop, replyTo],
  );

  const actions = useMemo<Omit<MessageActionHandlers, 'jumpTo'>>(() => {
    const report =
      (what: 'couldNotEdit' | 'couldNotReact') => (r: { ok: boolean; error?: string; code?: string }) => {
        if (!r.ok) showToast(translate(`chat.${what}`, { error: errorText(r) }));
      };
    return {
      reply(message) {
        setEditingId(null);
        setReplyTo(message);
        composerRef.current?.focus();
      },
      edit(message) {
        setEditingId(message.id);
      },
      finishEdit(message, body) {
        setEditingId(null);
        composerRef.current?.focus();
        if (body !== null) void host.messages.edit(message.id, body).then(report('couldNotEdit'));
      },
      remove: setDeleting,
      react(message, emoji, on) {
        void host.messages.react(message.id, emoji, on).then(report('couldNotReact'));
      },
      copy(message) {
        navigator.clipboard.writeText(message.body).then(
          () => showToast(translate('chat.copied'), 'info'),
          () => showToast(translate('chat.couldNotCopy')),
        );
      },
    };
  }, [host]);

  const onEditLast = useCallback((): boolean => {
    const last = window_?.items.findLast(
      (m) => m.senderId === meId && m.kind === 'text' && m.status === 'sent' && !m.deletedAt,
    );
    if (!last) return false;
    setEditingId(last.id);
    return true;
  }, [window_, meId]);

  const onChange = useCallback(
    (text: string) => {
      setDraft(conversationId, text);
      onText(text);
    },
    [conversationId, onText],
  );

  // Jump once the history is there to jump in (the hook loads back to the hit from it).
  const historyLoaded = window_ !== undefined;
  useEffect(() => {
    if (!jump || !historyLoaded) return;
    listRef.current?.jumpTo(jump.messageId, jump.seq);
    onJumpDone?.();
  }, [jump, historyLoaded, onJumpDone]);

  const call = useCallback(
    (media: 'audio' | 'video') => {
      void host.calls.initiate(conversationId, media).then((r) => {
        // Busy and unavailable calls end on the call screen, which says why in its own words
        // (and a toast over it would cover its Close button).
        if (!r.ok && !CALL_SCREEN_EXPLAINS.has(r.code ?? ''))
          showToast(translate('chat.couldNotCall', { error: errorText(r) }));
      });
    },
    [host, conversationId],
  );

  if (!conversation || !me) {
    return (
      <section className="chat chat-missing">
        <EmptyState icon={<MessageCircle size={28} />} title={t('chat.notFoundTitle')}>
          {t('chat.notFoundLead')}
        </EmptyState>
      </section>
    );
  }

  const title = conversationTitle(conversation, meId);
  const userName = (userId: string) => {
    const member = conversation.members.find((m) => m.id === userId);
    return member ? shortName(member) : t('chat.unknownSender');
  };
  const peer: User | null = directPeer(conversation, meId);
  const knownPresence = peer ? visiblePresence(peer, presence, true) : null;
  const peerPresence = peer ? visiblePresence(peer, presence, connected) : null;
  // Shown once, above the composer; the header keeps presence (see lib/typing.ts).
  const typing = chatTypingText(conversation, typingMap[conversationId], meId);
  let subtitle: string;
  let subtitleClass = 'chat-subtitle';
  if (conversation.type === 'group') {
    const others = conversation.members.filter((m) => m.id !== meId);
    const online = others.filter((m) => visiblePresence(m, presence, connected).online).length;
    subtitle = t('chat.members', { count: conversation.members.length });
    if (online > 0) subtitle = t('chat.membersOnline', { members: subtitle, online });
  } else if (peerPresence?.online) {
    subtitle = t('chat.online');
    subtitleClass += ' online';
  } else if (!connected && knownPresence?.online) {
    subtitle = t('chat.lastSeenRecently');
  } else {
    subtitle = formatLastSeen(peerPresence?.lastSeenAt, now);
  }

  return (
    <section className="chat" aria-label={t('chat.label', { title })} {...(canAttach ? drop.handlers : {})}>
      {drop.active && <DropZone />}
      <header className="chat-header">
        <IconButton label={t('chat.back')} className="back-button" onClick={onBack}>
          <ArrowLeft size={20} />
        </IconButton>
        <Avatar
          id={peer?.id ?? conversation.id}
          name={title}
          size={40}
          online={peerPresence ? peerPresence.online : undefined}
          group={conversation.type === 'group'}
          picture={conversation.type === 'group' ? conversation.avatarId : peer?.avatarId}
        />
        <div className="chat-header-text">
          <h1 className="chat-title">{title}</h1>
          <p className={subtitleClass} data-testid="chat-subtitle">
            {subtitle}
          </p>
        </div>
        <div className="chat-header-actions">
          {notifications?.prefs && (
            <MuteButton
              muted={notifications.prefs.mutedConversationIds.includes(conversationId)}
              onChange={(muted) => notifications.setMuted(conversationId, muted)}
            />
          )}
          {onSearch && (
            <IconButton label={t('chat.search')} onClick={onSearch}>
              <Search size={19} />
            </IconButton>
          )}
          <IconButton label={t('chat.voiceCall')} disabled={callBusy} onClick={() => call('audio')}>
            <Phone size={19} />
          </IconButton>
          <IconButton label={t('chat.videoCall')} disabled={callBusy} onClick={() => call('video')}>
            <Video size={20} />
          </IconButton>
          {conversation.type === 'group' && (
            <IconButton label={t('chat.groupInfo')} onClick={() => setGroupInfoOpen(true)}>
              <Info size={20} />
            </IconButton>
          )}
        </div>
      </header>
      <MessageList
        ref={listRef}
        conversation={conversation}
        window={window_}
        meId={meId}
        reads={reads[conversationId]}
        unreadAfterSeq={unreadAfterSeq}
        peerName={title}
        onCallBack={call}
        actions={actions}
        editingId={editingId}
        isGroupAdmin={conversation.members.some((m) => m.id === meId && m.role === 'admin')}
        startAtMessageId={jump?.messageId}
      />
      <div className="chat-footer">
        <TypingIndicator text={typing} />
        <Composer
          key={conversationId}
          initialText={getDraft(conversationId)}
          // A long name would wrap the placeholder onto a second, clipped line (narrow windows).
          placeholder={t('composer.placeholder', { name: ellipsize(title, 20) })}
          onSend={onSend}
          onChange={onChange}
          autoFocus
          ref={composerRef}
          replyTo={
            replyTo
              ? {
                  name:
                    replyTo.senderId === meId ? t('composer.replyToYourself') : userName(replyTo.senderId),
                  text: quoteText(replyTo.body),
                }
              : null
          }
          onCancelReply={() => setReplyTo(null)}
          onEditLast={onEditLast}
          files={canAttach ? files : undefined}
        />
      </div>
      {conversation.type === 'group' && groupInfoMounted && (
        <LazyBoundary label={t('chat.loadingGroupInfo')}>
          <GroupInfoDialog
            conversation={conversation}
            meId={meId}
            open={groupInfoOpen}
            onClose={() => setGroupInfoOpen(false)}
          />
        </LazyBoundary>
      )}
      <DeleteMessageDialog
        message={deleting}
        asAdmin={deleting !== null && deleting.senderId !== meId}
        onConfirm={(message) => {
          void host.messages.delete(message.id).then((r) => {
            if (!r.ok) showToast(translate('chat.couldNotDelete', { error: errorText(r) }));
          });
        }}
        onClose={() => {
          setDeleting(null);
          composerRef.current?.focus();
        }}
      />
    </section>
  );
}

/** The header's bell: mutes this conversation's message notifications on this device. */
function MuteButton({ muted, onChange }: { muted: boolean; onChange: (muted: boolean) => void }) {
  const { t } = useTranslation();
  return (
    <IconButton
      label={muted ? t('chat.unmute') : t('chat.mute')}
      className={muted ? 'mute-button is-muted' : 'mute-button'}
      onClick={() => onChange(!muted)}
    >
      {muted ? <BellOff size={19} /> : <Bell size={19} />}
    </IconButton>
  );
}
