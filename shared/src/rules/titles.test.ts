import { describe, expect, it } from 'vitest';
import { conversationTitle, directPeer, shortName, userName } from './titles.js';
import { alice, bob, conversation, me } from './test-fixtures.js';

describe('conversation titles', () => {
  it('names a direct chat after the other person', () => {
    expect(conversationTitle(conversation('1'), 'me')).toBe('Alice Martin');
    expect(directPeer(conversation('1'), 'me')?.id).toBe('a');
    expect(conversationTitle(conversation('2', { members: [me] }), 'me')).toBe('Direct chat');
  });

  it('names a group after its title, an untitled one after the others, else "Group"', () => {
    const members = [me, alice, bob];
    expect(conversationTitle(conversation('3', { type: 'group', title: 'Team', members }), 'me')).toBe(
      'Team',
    );
    expect(conversationTitle(conversation('4', { type: 'group', members }), 'me')).toBe(
      'Alice Martin and Bob Chen',
    );
    expect(conversationTitle(conversation('5', { type: 'group', title: '', members: [me] }), 'me')).toBe(
      'Group',
    );
    expect(directPeer(conversation('6', { type: 'group', members }), 'me')).toBeNull();
  });

  it('shows deactivated users as "Deleted user" and short names by first name', () => {
    expect(userName({ ...alice, deactivated: true })).toBe('Deleted user');
    expect(userName({ ...alice, displayName: '' })).toBe('alice');
    expect(shortName(alice)).toBe('Alice');
    expect(shortName(undefined)).toBe('Someone');
  });
});
