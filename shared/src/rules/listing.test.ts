import { describe, expect, it } from 'vitest';
import { isListedConversation } from './listing.js';

const empty = { type: 'direct' as const, lastSeq: 0, lastMessage: null, createdBy: 'alice' };

describe('isListedConversation', () => {
  it('lists an empty direct conversation for its creator only', () => {
    expect(isListedConversation(empty, 'alice')).toBe(true);
    expect(isListedConversation(empty, 'bob')).toBe(false);
  });

  it('lists a direct conversation for both once something was said', () => {
    expect(isListedConversation({ ...empty, lastSeq: 1 }, 'bob')).toBe(true);
  });

  it('lists groups (being added is news) and conversations from a server without createdBy', () => {
    expect(isListedConversation({ ...empty, type: 'group' }, 'bob')).toBe(true);
    expect(isListedConversation({ ...empty, createdBy: undefined }, 'bob')).toBe(true);
  });
});
