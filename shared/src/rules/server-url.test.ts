import { describe, expect, it } from 'vitest';
import { normalizeServerUrl } from './server-url.js';

describe('server address', () => {
  it('adds https to a typed host, and http to a local one', () => {
    expect(normalizeServerUrl('chat.example.org')).toBe('https://chat.example.org');
    expect(normalizeServerUrl(' chat.example.org/parley/ ')).toBe('https://chat.example.org/parley');
    expect(normalizeServerUrl('localhost:8080')).toBe('http://localhost:8080');
    expect(normalizeServerUrl('127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
    expect(normalizeServerUrl('[::1]:8080')).toBe('http://[::1]:8080');
    // Only a whole local host name counts: this is somebody's domain.
    expect(normalizeServerUrl('localhost.example.org')).toBe('https://localhost.example.org');
  });

  it('keeps an explicit scheme and refuses what is not an http(s) address', () => {
    expect(normalizeServerUrl('HTTP://localhost:8080')).toBe('http://localhost:8080');
    expect(normalizeServerUrl('https://localhost:8443')).toBe('https://localhost:8443');
    expect(normalizeServerUrl('')).toBeNull();
    expect(normalizeServerUrl('ftp://chat.example.org')).toBeNull();
    expect(normalizeServerUrl('chat example org')).toBeNull();
  });
});
