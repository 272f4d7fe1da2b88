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

  it('reads /?invite=<code>, where the server’s invite page sends the browser', () => {
    expect(inviteFromLocation('https://chat.example.org/?invite=Zm9vYmFy_-1')).toEqual({
      serverUrl: 'https://chat.example.org',
      code: 'Zm9vYmFy_-1',
    });
    expect(inviteFromLocation('https://chat.example.org/?invite=ab')).toBeNull();
    expect(inviteFromLocation('https://chat.example.org/other?invite=abcd')).toBeNull();
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
