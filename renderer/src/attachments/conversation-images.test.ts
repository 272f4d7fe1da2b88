import { describe, expect, it } from 'vitest';
import type { Attachment, MessageView } from '@parley/shared';
import { conversationImages } from './conversation-images';

const file = (id: string, contentType: string): Attachment => ({
  id,
  name: `${id}.bin`,
  contentType,
  size: 1,
  hasThumbnail: contentType.startsWith('image/'),
});
const message = (seq: number, attachments: Attachment[], deleted = false): MessageView =>
  ({
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    senderId: 'a',
    clientId: `k${seq}`,
    kind: 'text',
    body: '',
    createdAt: '2026-11-30T10:00:00.000Z',
    status: 'sent',
    attachments,
    ...(deleted ? { deletedAt: '2026-11-30T11:00:00.000Z' } : {}),
  }) as MessageView;

describe('conversation images', () => {
  it('lists the images of the loaded messages in order, skipping other files and deleted messages', () => {
    const items = [
      message(1, [file('a', 'image/png'), file('doc', 'application/pdf'), file('b', 'image/jpeg')]),
      message(2, [file('gone', 'image/png')], true),
      message(3, [file('c', 'image/webp')]),
    ];
    expect(conversationImages(items).map((a) => a.id)).toEqual(['a', 'b', 'c']);
    expect(conversationImages(undefined)).toEqual([]);
  });
});
