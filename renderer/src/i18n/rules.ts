/**
 * The shared product rules that produce words (`@parley/shared`'s rules/: names, titles,
 * typing, call records), in the UI language. The shared versions stay English for the desktop
 * shell's notifications and the server's stored text; the logic here follows them case for
 * case, and only the wording goes through i18n.
 */
import type { CallRecord, Conversation, Message, User } from '@parley/shared';
import { directPeer, formatDuration } from '@parley/shared';
import { joinNames } from '../lib/format';
import { t } from './index';

type Named = Pick<User, 'displayName' | 'username' | 'deactivated'>;

/** The display name, else the username; "Deleted user" once deactivated. */
export function userName(user: Named): string {
  if (user.deactivated) return t('names.deletedUser');
  return user.displayName || user.username;
}

/** The first name: "Alice Martin" → "Alice"; "Someone" for an unknown user. */
export function shortName(user: Named | undefined): string {
  if (!user) return t('names.someone');
  return userName(user).split(' ')[0] || userName(user);
}

/** A group's title, else its members' names; a direct chat's peer. */
export function conversationTitle(
  conversation: Pick<Conversation, 'type' | 'title' | 'members'>,
  meId: string | null | undefined,
): string {
  if (conversation.type === 'group') {
    if (conversation.title) return conversation.title;
    const others = conversation.members.filter((m) => m.id !== meId).map(userName);
    return joinNames(others) || t('names.group');
  }
  const peer = directPeer(conversation, meId);
  return peer ? userName(peer) : conversation.title || t('names.directChat');
}

/** "Alice is typing…", "Alice and Bob are typing…"; the list's compact form "typing…", "3 people are typing…". */
export function typingText(
  conversation: { type: 'direct' | 'group'; members: readonly User[] },
  typerIds: readonly string[],
  meId: string | null | undefined,
  compact = false,
): string | null {
  const typers = typerIds.filter((id) => id !== meId);
  if (typers.length === 0) return null;
  if (compact && conversation.type === 'direct') return t('typing.compact');
  const names = typers.map((id) => shortName(conversation.members.find((m) => m.id === id)));
  if (names.length === 1) return t('typing.one', { name: names[0] });
  if (names.length > 3) return t('typing.several');
  if (compact) return t('typing.count', { count: names.length });
  return t('typing.many', { names: joinNames(names) });
}

/**
 * A call record from the viewer's side, as `describeCall` in @parley/shared: "Voice call ·
 * 3:42", "Missed video call" (missed: shown in red), "Video call · No answer", ….
 */
export function describeCall(
  message: Message,
  meId: string | null | undefined,
): { text: string; missed: boolean } {
  const call = message.call;
  if (!call) return { text: message.body || t('calls.record.call'), missed: false };
  const kind = callKind(call.media);
  const outgoing = message.senderId === meId;
  const r = (key: 'missed' | 'declined' | 'cancelled') => t(`calls.record.${key}.${call.media}`);
  switch (call.outcome) {
    case 'completed':
      return {
        text:
          call.durationSeconds != null
            ? t('calls.record.withDetail', { kind, detail: formatDuration(call.durationSeconds) })
            : kind,
        missed: false,
      };
    case 'missed':
      return outgoing
        ? {
            text: t('calls.record.withDetail', {
              kind,
              detail: call.unavailable ? t('calls.record.unavailable') : t('calls.record.noAnswer'),
            }),
            missed: false,
          }
        : { text: r('missed'), missed: true };
    case 'rejected':
      return {
        text: outgoing
          ? t('calls.record.withDetail', { kind, detail: t('calls.record.declinedShort') })
          : r('declined'),
        missed: false,
      };
    case 'cancelled':
      return outgoing ? { text: r('cancelled'), missed: false } : { text: r('missed'), missed: true };
  }
}

/** "Video call" / "Voice call". */
export function callKind(media: CallRecord['media']): string {
  return media === 'video' ? t('calls.record.kind.video') : t('calls.record.kind.audio');
}
