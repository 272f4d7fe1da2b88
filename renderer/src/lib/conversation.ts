import type { Conversation, Message, Presence, User } from '@parley/shared';
import { formatDuration, joinNames } from './format';

/** The other member of a direct conversation (or null for groups and notes-to-self). */
export function directPeer(conversation: Conversation, meId: string): User | null {
  if (conversation.type !== 'direct') return null;
  return conversation.members.find((m) => m.id !== meId) ?? null;
}

/** What the UI calls a conversation: the group title, the peer's name, or member names. */
export function conversationTitle(conversation: Conversation, meId: string): string {
  if (conversation.type === 'group') {
    if (conversation.title) return conversation.title;
    const others = conversation.members.filter((m) => m.id !== meId).map((m) => m.displayName);
    return joinNames(others) || 'Group';
  }
  return directPeer(conversation, meId)?.displayName ?? conversation.title ?? 'Direct chat';
}

/** Presence from the live presence map, falling back to what the conversation member carried. */
export function presenceOf(user: User, presence: Record<string, Presence>): Presence {
  return presence[user.id] ?? { online: user.online ?? false, lastSeenAt: user.lastSeenAt ?? null };
}

/** The instant used to order the list: last message, else creation. */
export function activityTime(conversation: Conversation): number {
  const t = Date.parse(conversation.lastMessage?.createdAt ?? conversation.createdAt);
  return Number.isNaN(t) ? 0 : t;
}

/** Most recent activity first; ties keep a stable order by id. */
export function sortByActivity(conversations: readonly Conversation[]): Conversation[] {
  return [...conversations].sort((a, b) => activityTime(b) - activityTime(a) || a.id.localeCompare(b.id));
}

/** Case- and accent-insensitive match of the filter text against the title and member names. */
export function matchesFilter(conversation: Conversation, title: string, query: string): boolean {
  const q = normalise(query.trim());
  if (!q) return true;
  if (normalise(title).includes(q)) return true;
  return conversation.members.some((m) => normalise(m.displayName).includes(q) || m.username.includes(q));
}

function normalise(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** A call record as one human line: "Missed video call", "Voice call · 3:42". */
export function describeCall(message: Message, meId: string): { text: string; missed: boolean } {
  const call = message.call;
  if (!call) return { text: message.body || 'Call', missed: false };
  const kind = call.media === 'video' ? 'video call' : 'voice call';
  const Kind = kind.charAt(0).toUpperCase() + kind.slice(1);
  // The call record's sender is the caller.
  const outgoing = message.senderId === meId;
  switch (call.outcome) {
    case 'completed':
      return {
        text: call.durationSeconds != null ? `${Kind} · ${formatDuration(call.durationSeconds)}` : Kind,
        missed: false,
      };
    case 'missed':
      return outgoing
        ? { text: `${Kind} · No answer`, missed: false }
        : { text: `Missed ${kind}`, missed: true };
    case 'rejected':
      return { text: outgoing ? `${Kind} · Declined` : `Declined ${kind}`, missed: false };
    case 'cancelled':
      return outgoing
        ? { text: `Cancelled ${kind}`, missed: false }
        : { text: `Missed ${kind}`, missed: true };
  }
}

/** The one-line preview under a conversation's name. */
export function previewText(conversation: Conversation, meId: string): string {
  const m = conversation.lastMessage;
  if (!m) return conversation.type === 'group' ? 'Group created' : 'No messages yet';
  if (m.deletedAt) return 'Message deleted';
  if (m.kind === 'call') return describeCall(m, meId).text;
  const body = m.body.replace(/\s+/g, ' ').trim();
  if (m.senderId === meId) return `You: ${body}`;
  if (conversation.type === 'group') {
    const sender = conversation.members.find((u) => u.id === m.senderId);
    if (sender) return `${sender.displayName.split(' ')[0]}: ${body}`;
  }
  return body;
}
