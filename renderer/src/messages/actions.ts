import type { MessageView } from '@parley/shared';

/** What the chat does when someone acts on a message (MessageList passes one stable object). */
export interface MessageActionHandlers {
  reply(message: MessageView): void;
  /** Starts editing in place. */
  edit(message: MessageView): void;
  /** Saves an edit (`body`) or cancels it (`null`). */
  finishEdit(message: MessageView, body: string | null): void;
  /** Asks for confirmation, then deletes. */
  remove(message: MessageView): void;
  react(message: MessageView, emoji: string, on: boolean): void;
  copy(message: MessageView): void;
  /** Scrolls to a quoted message, loading it first when needed. */
  jumpTo(messageId: string): void;
}

/** What the current user may do with one message. */
export interface MessagePermissions {
  reply: boolean;
  edit: boolean;
  remove: boolean;
  react: boolean;
  copy: boolean;
}

/** Rights follow the server's: edit your own text messages; delete your own, or any as a group admin. */
export function permissionsFor(
  message: MessageView,
  meId: string,
  isGroupAdmin: boolean,
): MessagePermissions {
  const stored = message.status === 'sent' && message.seq > 0;
  const live = stored && !message.deletedAt && message.kind === 'text';
  const mine = message.senderId === meId;
  return {
    reply: live,
    edit: live && mine,
    remove: stored && !message.deletedAt && message.kind !== 'system' && (mine || isGroupAdmin),
    react: live,
    copy: !message.deletedAt && message.kind === 'text' && message.body.length > 0,
  };
}

/** One line of a message for a quote: formatting marks and line breaks flattened. */
export function quoteText(body: string, max = 120): string {
  const flat = body
    .replace(/```[\s\S]*?```/g, ' [code] ')
    .replace(/[*_~`>]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
