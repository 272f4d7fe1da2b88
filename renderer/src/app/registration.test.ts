import { describe, expect, it } from 'vitest';
import { inviteCodeFrom } from './registration';

describe('inviteCodeFrom', () => {
  it('takes the code out of a pasted invite link, or the code itself', () => {
    expect(inviteCodeFrom('https://chat.example.org/invite/AbC_12-xyz')).toBe('AbC_12-xyz');
    expect(inviteCodeFrom(' https://chat.example.org/?invite=AbC_12-xyz ')).toBe('AbC_12-xyz');
    expect(inviteCodeFrom('parley://chat.example.org/invite/Zz9')).toBe('Zz9');
    expect(inviteCodeFrom('  AbC_12-xyz ')).toBe('AbC_12-xyz');
    expect(inviteCodeFrom('')).toBe('');
  });
});
