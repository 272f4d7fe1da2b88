/**
 * When the desktop app shows a native notification, and what it says. Pure: the caller passes
 * the window's focus and the open conversation, and shows whatever notices come back.
 *
 * - A message notifies when it is from someone else, and the window is unfocused or shows
 *   another conversation; never for a muted conversation or during do-not-disturb.
 * - Messages fetched by catch-up after being offline are collected and summarised by one
 *   notice when `catch-up:done` arrives, instead of a burst of one notice per message.
 * - An incoming call notifies when the window is not focused, unless do-not-disturb is on
 *   (mute is for messages; a muted group can still ring).
 */
import type { ClientEvent } from '@parley/shared/client';
import type { Conversation, Message, NotificationPrefs } from '@parley/shared';
import { conversationTitle as sharedTitle, describeCall, userName } from '@parley/shared';
import { t } from './i18n.js';

/** A user's picture, shown as the notification's icon when it can be fetched. */
export interface NoticePicture {
  userId: string;
  avatarId: string;
}

export type Notice =
  | {
      kind: 'message';
      conversationId: string;
      title: string;
      body: string;
      /** The sender's picture. */
      picture?: NoticePicture;
    }
  | { kind: 'summary'; conversationId: string | null; title: string; body: string; picture?: NoticePicture }
  | {
      kind: 'call';
      conversationId: string;
      callId: string;
      title: string;
      body: string;
      /** The caller's picture: used only if the notifier already has it (a ring never waits). */
      picture?: NoticePicture;
    };

export interface PolicyContext {
  /** The signed-in user (their own messages from other devices never notify). */
  selfUserId: string | null;
  /** True when the app window is focused (visible, not minimised, has OS focus). */
  windowFocused: boolean;
  /** The conversation on screen, as the renderer last reported through `conversations.open`. */
  openConversationId: string | null;
  prefs: NotificationPrefs;
}

/** Message bodies longer than this are cut in the notice (OS notifications truncate anyway). */
export const NOTICE_BODY_MAX = 180;

export class NotificationPolicy {
  /** Catch-up messages that would have notified, by conversation, until `catch-up:done`. */
  private pending = new Map<string, { conversation: Conversation; messages: Message[] }>();

  handle(event: ClientEvent, context: PolicyContext): Notice[] {
    switch (event.type) {
      case 'message': {
        if (!this.messageNotifies(event.message, event.conversation, context, event.fromCatchUp)) return [];
        if (event.fromCatchUp) {
          const entry = this.pending.get(event.conversation.id) ?? {
            conversation: event.conversation,
            messages: [],
          };
          entry.conversation = event.conversation;
          entry.messages.push(event.message);
          this.pending.set(event.conversation.id, entry);
          return [];
        }
        return [messageNotice(event.message, event.conversation, context.selfUserId)];
      }
      case 'catch-up:done':
        return this.flushCatchUp(context);
      case 'call:incoming': {
        if (context.prefs.doNotDisturb || context.windowFocused) return [];
        const { call } = event;
        return [
          {
            kind: 'call',
            conversationId: call.conversationId,
            callId: call.callId,
            title: call.from.displayName || call.from.username,
            body: t(call.media === 'video' ? 'notify.incomingVideoCall' : 'notify.incomingVoiceCall'),
            ...(call.from.avatarId
              ? { picture: { userId: call.from.id, avatarId: call.from.avatarId } }
              : {}),
          },
        ];
      }
      default:
        return assertNever(event);
    }
  }

  /** Forget collected catch-up messages (sign-out). */
  reset(): void {
    this.pending.clear();
  }

  private messageNotifies(
    message: Message,
    conversation: Conversation,
    context: PolicyContext,
    fromCatchUp: boolean,
  ): boolean {
    if (message.kind === 'system' || message.deletedAt) return false;
    if (context.selfUserId !== null && message.senderId === context.selfUserId) return false;
    if (context.prefs.doNotDisturb) return false;
    if (context.prefs.mutedConversationIds.includes(conversation.id)) return false;
    // Catch-up messages are judged again when summarised (the user may have opened the
    // conversation meanwhile), so only live messages check what is on screen now.
    if (fromCatchUp) return true;
    return !context.windowFocused || context.openConversationId !== conversation.id;
  }

  private flushCatchUp(context: PolicyContext): Notice[] {
    const entries = [...this.pending.values()].filter(
      ({ conversation }) =>
        !context.prefs.mutedConversationIds.includes(conversation.id) &&
        (!context.windowFocused || context.openConversationId !== conversation.id),
    );
    this.pending.clear();
    if (context.prefs.doNotDisturb || entries.length === 0) return [];
    const total = entries.reduce((sum, entry) => sum + entry.messages.length, 0);
    const [first] = entries;
    if (total === 1 && first) {
      const [message] = first.messages;
      if (message) return [messageNotice(message, first.conversation, context.selfUserId)];
    }
    const single = entries.length === 1 && first ? first.conversation : null;
    return [
      {
        kind: 'summary',
        conversationId: single?.id ?? null,
        title: 'Parley',
        body: single
          ? t('notify.newMessagesIn', {
              count: total,
              conversation: conversationTitle(single, context.selfUserId),
            })
          : t('notify.newMessagesAcross', { count: total, conversations: entries.length }),
      },
    ];
  }
}

/** The name a conversation is shown under (the shared rule, also used by the app's list). */
export function conversationTitle(conversation: Conversation, selfUserId?: string | null): string {
  return sharedTitle(conversation, selfUserId);
}

function messageNotice(message: Message, conversation: Conversation, selfUserId: string | null): Notice {
  const sender = conversation.members.find((member) => member.id === message.senderId);
  const senderName = sender ? userName(sender) : 'Someone';
  const title =
    conversation.type === 'group'
      ? `${senderName} in ${conversationTitle(conversation, selfUserId)}`
      : senderName;
  const notice: Notice = {
    kind: 'message',
    conversationId: conversation.id,
    title,
    body: messageText(message, selfUserId),
  };
  return sender?.avatarId ? { ...notice, picture: { userId: sender.id, avatarId: sender.avatarId } } : notice;
}

function messageText(message: Message, selfUserId: string | null): string {
  if (message.kind === 'call' && message.call) return describeCall(message, selfUserId).text;
  const body = message.body.replace(/\s+/g, ' ').trim();
  return body.length > NOTICE_BODY_MAX ? `${body.slice(0, NOTICE_BODY_MAX - 1)}…` : body;
}

function assertNever(value: never): never {
  throw new Error(`Unhandled client event: ${JSON.stringify(value)}`);
}
