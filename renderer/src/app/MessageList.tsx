import { forwardRef, useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState } from 'react';
import { unreadBadge } from '@parley/shared';
import { errorText, t } from '../i18n';
import { shortName, userName } from '../i18n/rules';
import { Virtuoso, type VirtuosoHandle } from 'react-virtuoso';
import { ArrowDown, Hand, LoaderCircle } from 'lucide-react';
import type { Conversation, MessageView, MessageWindow } from '@parley/shared';
import { useHost } from '../store/hooks';
import {
  buildMessageRows,
  firstItemIndexFor,
  firstStoredSeq,
  lastStoredSeq,
  type MessageRow,
} from '../lib/message-rows';
import { describeCall } from '../lib/conversation';
import { formatClock, formatDayLabel, formatFull, joinNames } from '../lib/format';
import { useNow } from '../lib/use-now';
import { useDocumentVisible } from '../lib/use-visible';
import { showToast } from '../lib/toast';
import { EmptyState } from '../components/EmptyState';
import { MessageItem, readStateOf } from '../components/MessageItem';
import type { MessageActionHandlers } from '../messages/actions';
import { useJumpToMessage } from '../messages/use-jump-to-message';
import { distanceToEnd, useStayAtEnd } from '../messages/use-stay-at-end';
import { ConversationImagesContext, conversationImages } from '../attachments/conversation-images';

export interface MessageListHandle {
  /** Scrolls to the newest message and keeps following the next one (used right after sending). */
  scrollToBottom(): void;
  /** Scrolls to a message and flashes it, loading history back to it first (`seq` when known). */
  jumpTo(messageId: string, seq?: number): void;
}

interface MessageListProps {
  conversation: Conversation;
  window: MessageWindow | undefined;
  meId: string;
  /** Other members' read positions in this conversation. */
  reads: Record<string, number> | undefined;
  unreadAfterSeq: number | null;
  peerName: string;
  onCallBack: (media: 'audio' | 'video') => void;
  /** What acting on a message does; the list adds jumping to a quoted message. */
  actions: Omit<MessageActionHandlers, 'jumpTo'>;
  /** The message being edited in place, if any. */
  editingId: string | null;
  isGroupAdmin: boolean;
  /** Open at this message (a search hit being jumped to) instead of the newest one. */
  startAtMessageId?: string | null;
}

/** More rows than this arriving at once are jumped over, not scrolled through smoothly. */
const SMOOTH_FOLLOW_MAX_ROWS = 5;

interface ListContext {
  loadingOlder: boolean;
  hasOlder: boolean;
}

// Stable component identities for Virtuoso (inline components would remount every render).
function ListHeader({ context }: { context?: ListContext }) {
  if (context?.loadingOlder) {
    return (
      <div className="list-header" role="status">
        <LoaderCircle size={18} className="spin" aria-label={t('chat.loadingOlder')} />
      </div>
    );
  }
  return <div className="list-header" />;
}

function ListFooter() {
  return <div className="list-footer" />;
}

function MessageSkeleton() {
  const widths = [46, 62, 30, 54, 40, 68];
  return (
    <div className="message-skeleton" aria-busy="true" aria-label={t('chat.loadingMessages')}>
      {widths.map((w, i) => (
        <div key={i} className={`skeleton-bubble ${i % 3 === 1 ? 'mine' : ''}`} style={{ width: `${w}%` }} />
      ))}
    </div>
  );
}

export const MessageList = forwardRef<MessageListHandle, MessageListProps>(function MessageList(
  {
    conversation,
    window: win,
    meId,
    reads,
    unreadAfterSeq,
    peerName,
    onCallBack,
    actions,
    editingId,
    isGroupAdmin,
    startAtMessageId,
  },
  ref,
) {
  const host = useHost();
  const virtuoso = useRef<VirtuosoHandle>(null);
  const stickToBottom = useRef(false);
  // Not at the bottom until the list says so: a conversation opening at "New messages" must
  // not mark everything read before it has even scrolled there.
  const [atBottom, setAtBottom] = useState(false);
  const visible = useDocumentVisible();
  const now = useNow(60_000);
  const conversationId = conversation.id;
  const items = win?.items;

  const rows = useMemo(
    () => (items ? buildMessageRows(items, meId, unreadAfterSeq) : []),
    [items, meId, unreadAfterSeq],
  );
  const firstItemIndex = items ? firstItemIndexFor(items, conversation.lastSeq) : 0;
  const lastSeq = items ? lastStoredSeq(items) : 0;
  const hasOlder = win?.hasOlder ?? false;

  // See `jumpTo` below: set while the list is away from the bottom because of a jump.
  const awayForJump = useRef(false);
  // Bumped to stop `jumpToBottom`'s pinning loop.
  const pinGeneration = useRef(0);
  // The generation of the pinning loop that runs, if any: while it runs (and is not
  // superseded), the list is on its way to the bottom and output is followed.
  const activePin = useRef<number | null>(null);
  const { scroller, setScroller, keepAtEnd, pinAtEnd, leaveEnd, isPinned } = useStayAtEnd(awayForJump);

  /**
   * Jumps to the very bottom. Rows below the viewport may never have been measured, so a
   * single jump can land short once they render at their real height (more so on a busy
   * machine, or while a catch-up appends page after page): keep pinning the scroller to its
   * end until it stays there for a few frames, giving up only after 1.5 s without progress.
   */
  const jumpToBottom = useCallback(() => {
    awayForJump.current = false;
    pinAtEnd(false);
    const generation = ++pinGeneration.current;
    virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'auto' });
    let lastMove = performance.now();
    let settledFrames = 0;
    activePin.current = generation;
    // The user scrolling away wins over the pinning.
    const target = scroller.current;
    const userScrolled = () => {
      if (generation === pinGeneration.current) pinGeneration.current++;
    };
    const userEvents = ['wheel', 'touchstart', 'keydown', 'pointerdown'] as const;
    for (const type of userEvents) target?.addEventListener(type, userScrolled, { passive: true });
    const finish = () => {
      for (const type of userEvents) target?.removeEventListener(type, userScrolled);
      if (activePin.current === generation) activePin.current = null;
    };
    const step = () => {
      const el = scroller.current;
      // A jump to an older message since: stop pinning, or it would be pulled back down.
      if (!el || generation !== pinGeneration.current) return finish();
      if (distanceToEnd(el) > 1) {
        el.scrollTop = el.scrollHeight;
        settledFrames = 0;
        lastMove = performance.now();
      } else settledFrames++;
      if (settledFrames < 3 && performance.now() - lastMove < 1500) requestAnimationFrame(step);
      else finish();
    };
    requestAnimationFrame(step);
  }, [pinAtEnd, scroller]);

  /**
   * Jumping to an older message (a reply's original, a search hit) leaves the bottom on
   * purpose: until the user is back there, the list must not follow new output or a change of
   * the last row's height (a reply whose quote just loaded), nor keep pinning to the bottom.
   */
  const { highlightId, jumpTo: jumpToMessage } = useJumpToMessage(conversationId, rows, virtuoso, scroller);
  const jumpTo = useCallback(
    (messageId: string, seq?: number) => {
      awayForJump.current = true;
      leaveEnd();
      pinGeneration.current++;
      return jumpToMessage(messageId, seq);
    },
    [jumpToMessage, leaveEnd],
  );
  // The same as `atBottom`, readable in effects without re-running them.
  const atBottomNow = useRef(false);
  const onAtBottomChange = useCallback((bottom: boolean) => {
    // Scrolled back down by the user (or "Jump to latest"): follow again.
    if (bottom) awayForJump.current = false;
    atBottomNow.current = bottom;
    setAtBottom(bottom);
  }, []);

  useImperativeHandle(ref, () => ({
    scrollToBottom() {
      stickToBottom.current = true;
      jumpToBottom();
    },
    jumpTo(messageId: string, seq?: number) {
      void jumpTo(messageId, seq);
    },
  }));

  const handlers = useMemo<MessageActionHandlers>(
    () => ({ ...actions, jumpTo: (id) => void jumpTo(id) }),
    [actions, jumpTo],
  );
  const byId = useMemo(() => new Map<string, MessageView>(items?.map((m) => [m.id, m])), [items]);
  const images = useMemo(() => conversationImages(items), [items]);

  const unreadLoaded = useUnreadLoaded(conversationId, win, unreadAfterSeq);

  // Mark read only what the user can actually see: the conversation is on screen, the page
  // is visible and the list is scrolled to the newest message.
  useEffect(() => {
    if (!unreadLoaded || !atBottom || !visible || lastSeq <= conversation.readSeq) return;
    void host.conversations.markRead(conversationId, lastSeq);
  }, [host, conversationId, unreadLoaded, atBottom, visible, lastSeq, conversation.readSeq]);

  const loadOlder = useCallback(() => {
    if (!win || !win.hasOlder || win.loadingOlder) return;
    void host.conversations.loadOlder(conversationId).then((r) => {
      if (!r.ok) showToast(t('chat.couldNotLoadOlder', { error: errorText(r) }));
    });
  }, [host, conversationId, win]);

  // The rows below the last one seen when output was last followed: a few new rows glide
  // into view, but a catch-up's page of hundreds must not be animated through (it took
  // 3.95 s to reach the newest of 1,000). Counted by key: older pages are prepended too.
  const followedKey = useRef<string | undefined>(undefined);
  const lastKey = rows[rows.length - 1]?.key;
  useEffect(() => {
    // The rows the list opened with are not "added": counting starts from them.
    if (followedKey.current === undefined) followedKey.current = lastKey;
  }, [lastKey]);
  // A catch-up far behind replaces the window by its newest page: nothing is appended, so
  // Virtuoso never asks `followOutput`, and the view stayed where the old rows were (the
  // reopened big chat that ended ~30 rows short). A list that was following jumps to the end.
  const shownLastKey = useRef(lastKey);
  useEffect(() => {
    const before = shownLastKey.current;
    shownLastKey.current = lastKey;
    if (before === undefined || lastKey === before || rows.some((r) => r.key === before)) return;
    if (awayForJump.current) return;
    const pinning = activePin.current !== null && activePin.current === pinGeneration.current;
    if (!atBottomNow.current && !pinning && !isPinned()) return;
    followedKey.current = lastKey;
    jumpToBottom();
  }, [lastKey, rows, jumpToBottom, isPinned]);

  const followOutput = useCallback(
    (isAtBottom: boolean) => {
      let added = 0;
      for (let i = rows.length - 1; i >= 0 && rows[i]!.key !== followedKey.current; i--) added++;
      followedKey.current = rows[rows.length - 1]?.key;
      if (stickToBottom.current) {
        stickToBottom.current = false;
        return 'auto' as const;
      }
      if (awayForJump.current) return false;
      const pinning = activePin.current !== null && activePin.current === pinGeneration.current;
      if (!isAtBottom && !pinning && !isPinned()) return false;
      if (added <= SMOOTH_FOLLOW_MAX_ROWS) {
        pinAtEnd(true);
        return 'smooth' as const;
      }
      pinAtEnd(false);
      // Straight to the newest row, pinned until the rows in between have their real heights.
      requestAnimationFrame(jumpToBottom);
      return false;
    },
    [rows, jumpToBottom, isPinned, pinAtEnd],
  );

  const readers = useMemo(() => {
    // `reads` already counts "posted after it" as read: the client core derives that.
    const others = conversation.members.filter((m) => m.id !== meId);
    // Every member's read position comes with the conversation (`members[].readSeq`) and is
    // kept live in `reads`, so ticks survive a reload; the higher of the two is the truth.
    return others.map((m) => ({
      name: shortName(m),
      seq: Math.max(reads?.[m.id] ?? 0, m.readSeq ?? 0),
    }));
  }, [conversation.members, meId, reads]);

  const namesById = useMemo(
    () => new Map(conversation.members.map((m) => [m.id, userName(m)])),
    [conversation.members],
  );
  const picturesById = useMemo(
    () => new Map(conversation.members.map((m) => [m.id, m.avatarId])),
    [conversation.members],
  );

  const onRetry = useCallback((clientId: string) => void host.messages.retry(clientId), [host]);
  const onDiscard = useCallback((clientId: string) => void host.messages.discard(clientId), [host]);

  const isGroup = conversation.type === 'group';
  const nameOf = useCallback(
    (userId: string) => namesById.get(userId) ?? t('chat.unknownSender'),
    [namesById],
  );

  const renderRow = useCallback(
    (index: number, row: MessageRow) => {
      const m = row.message;
      const isFirst = index === firstItemIndex;
      let readState = null;
      let seenBy: string | null = null;
      if (row.mine && m.kind === 'text') {
        const readersOf = m.status === 'sent' ? readers.filter((r) => r.seq >= m.seq) : [];
        readState = readStateOf(m.status, readersOf.length > 0);
        if (isGroup && readersOf.length > 0) seenBy = joinNames(readersOf.map((r) => r.name));
      }
      return (
        <MessageItem
          row={row}
          showSender={isGroup}
          senderName={namesById.get(m.senderId) ?? t('chat.unknownSender')}
          senderPicture={picturesById.get(m.senderId)}
          dayLabel={row.dayBreak ? formatDayLabel(m.createdAt, now) : ''}
          time={formatClock(m.createdAt)}
          fullTime={formatFull(m.createdAt)}
          readState={readState}
          seenBy={seenBy}
          callText={m.kind === 'call' ? describeCall(m, meId) : null}
          onRetry={onRetry}
          onDiscard={onDiscard}
          onCallBack={onCallBack}
          beginning={isFirst && !hasOlder}
          meId={meId}
          canModerate={isGroup && isGroupAdmin}
          actions={handlers}
          editing={editingId === m.id}
          replyTo={m.replyToId ? (byId.get(m.replyToId) ?? 'missing') : null}
          highlighted={highlightId === m.id}
          nameOf={nameOf}
        />
      );
    },
    [
      readers,
      isGroup,
      namesById,
      picturesById,
      now,
      meId,
      onRetry,
      onDiscard,
      onCallBack,
      firstItemIndex,
      hasOlder,
      isGroupAdmin,
      handlers,
      editingId,
      byId,
      highlightId,
      nameOf,
    ],
  );

  // Opening a conversation starts at the newest message, unless there is a "New messages"
  // divider to start at (initialTopMostItemIndex handles that one).
  const listShown = win !== undefined && unreadLoaded && rows.length > 0;
  const startsAtDivider = rows.some((r) => r.unreadBreak);
  const initialJumpDone = useRef(false);
  useEffect(() => {
    if (!listShown || initialJumpDone.current) return;
    initialJumpDone.current = true;
    if (!startsAtDivider && !startAtMessageId) jumpToBottom();
  }, [listShown, startsAtDivider, startAtMessageId, jumpToBottom]);

  // Until the first unread message is loaded there is no divider to open at.
  if (!win || !unreadLoaded) return <MessageSkeleton />;

  if (rows.length === 0) {
    return (
      <div className="message-list-empty">
        <EmptyState
          icon={<Hand size={28} />}
          title={
            isGroup
              ? t('chat.emptyGroupTitle', { name: peerName })
              : t('chat.emptyDirectTitle', { name: peerName })
          }
        >
          {t('chat.emptyLead')}
        </EmptyState>
      </div>
    );
  }

  const unreadIndex = rows.findIndex((r) => r.unreadBreak);
  const startIndex = startAtMessageId ? rows.findIndex((r) => r.message.id === startAtMessageId) : -1;
  const newBelow = conversation.unreadCount;

  return (
    <div className="message-list">
      <ConversationImagesContext.Provider value={images}>
        <Virtuoso<MessageRow, ListContext>
          ref={virtuoso}
          scrollerRef={setScroller}
          className="message-scroller"
          data={rows}
          context={{ loadingOlder: win.loadingOlder, hasOlder: win.hasOlder }}
          firstItemIndex={firstItemIndex}
          initialTopMostItemIndex={
            startIndex >= 0
              ? { index: startIndex, align: 'center' }
              : unreadIndex >= 0
                ? { index: unreadIndex, align: 'start' }
                : { index: rows.length - 1, align: 'end' }
          }
          computeItemKey={(_i, row) => row.key}
          itemContent={renderRow}
          components={{ Header: ListHeader, Footer: ListFooter }}
          alignToBottom
          followOutput={followOutput}
          atBottomStateChange={onAtBottomChange}
          // The rows' total height changed (the last row grew after it was drawn): stay at the end.
          totalListHeightChanged={keepAtEnd}
          atBottomThreshold={48}
          startReached={loadOlder}
          increaseViewportBy={{ top: 400, bottom: 200 }}
          // A typical one-line message. Without it Virtuoso estimates unmeasured rows from the
          // first one it measured, often a row with a day separator, and a prepended page of
          // such estimates shifts the view when the real heights come in.
          defaultItemHeight={40}
          role="log"
          aria-label={t('chat.messagesLabel')}
        />
      </ConversationImagesContext.Provider>
      {!atBottom && (
        <button
          type="button"
          className="jump-to-latest"
          onClick={jumpToBottom}
          aria-label={newBelow > 0 ? t('chat.jumpToLatestNew', { count: newBelow }) : t('chat.jumpToLatest')}
        >
          {newBelow > 0 && <span className="jump-count">{unreadBadge(newBelow)}</span>}
          <ArrowDown size={18} aria-hidden="true" />
        </button>
      )}
    </div>
  );
});

/**
 * Whether the first unread message (just after `unreadAfterSeq`) is loaded. A conversation
 * opens on its newest page; with more unread than that page holds, the divider would be
 * missing, the list would open at the bottom and mark everything read. So history is loaded
 * back to the first unread first (with `loadAround`, or page by page where the host lacks it).
 */
function useUnreadLoaded(
  conversationId: string,
  win: MessageWindow | undefined,
  unreadAfterSeq: number | null,
): boolean {
  const host = useHost();
  const oldest = win ? firstStoredSeq(win.items) : 0;
  const missing = win !== undefined && unreadAfterSeq !== null && win.hasOlder && oldest > unreadAfterSeq + 1;
  const [gaveUp, setGaveUp] = useState(false);
  const requested = useRef(false);
  useEffect(() => {
    if (!missing || requested.current || unreadAfterSeq === null) return;
    requested.current = true;
    const target = unreadAfterSeq + 1;
    const load = async () => {
      if (host.conversations.loadAround) return host.conversations.loadAround(conversationId, target);
      for (let page = 0; page < 40; page++) {
        const window_ = (await host.getState()).messages[conversationId];
        if (!window_?.hasOlder || firstStoredSeq(window_.items) <= target) break;
        const r = await host.conversations.loadOlder(conversationId);
        if (!r.ok) return r;
      }
      return { ok: true as const, value: undefined };
    };
    void load().then((r) => {
      if (!r.ok) {
        showToast(t('chat.couldNotLoadUnread', { error: errorText(r) }));
        setGaveUp(true);
      }
    });
  }, [host, conversationId, missing, unreadAfterSeq]);
  return !missing || gaveUp;
}
