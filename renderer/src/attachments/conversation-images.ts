import { createContext } from 'react';
import type { Attachment, MessageView } from '@parley/shared';
import { isImage } from './files';

/**
 * Every image of the loaded conversation, oldest first, so the viewer's ←/→ go from one
 * message's images to the next message's. Null outside a message list (the viewer then stays
 * within the message).
 */
export const ConversationImagesContext = createContext<readonly Attachment[] | null>(null);

/** The images of the loaded messages, in order; deleted messages have none. */
export function conversationImages(items: readonly MessageView[] | undefined): Attachment[] {
  return (items ?? []).flatMap((m) =>
    m.deletedAt ? [] : (m.attachments ?? []).filter((a) => isImage(a.contentType)),
  );
}
