import { describe, expect, it } from 'vitest';
import { inviteFromLocation } from './invite-link';

describe('inviteFromLocation', () => {
  it('reads the code from /invite/<code>; the server is the page’s origin', () => {
    expect(inviteFromLocation('https://chat.example.org/invite/JOIN-us_1')).toEqual({
      serverUrl: 'https://chat.example.org',
      code: 'JOIN-us_1',
    });
    expect(inviteFromLocation('http://127.0.0.1:8080/invite/abcd/')).toEqual({
      serverUrl: 'http://127.0.0.1:8080',
      code: 'abcd',
    });
  });

  it('ignores other addresses and malformed codes', () => {
    for (const href of [
      'https://chat.example.org/',
      'https://chat.example.org/invite/',
      'https://chat.example.org/invite/ab',
      'https://chat.example.org/invite/a%20b%20c%20d',
      'https://chat.example.org/invite/abcd/extra',
      'https://chat.example.org/x/invite/abcd',
      'not a url',
    ])
      expect(inviteFromLocation(href)).toBeNull();
  });
});
