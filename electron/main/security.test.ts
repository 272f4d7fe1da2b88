import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  decideNavigation,
  decideWindowOpen,
  isAppUrl,
  isPermissionAllowed,
  rendererSource,
  resolveAppFile,
} from './security.js';

vi.mock('electron', () => ({ protocol: { registerSchemesAsPrivileged: vi.fn() } }));
const { appProtocolResponse } = await import('./app-protocol.js');

const prod = rendererSource(undefined);
const dev = rendererSource('http://localhost:5173');

describe('app origin', () => {
  it('loads app://parley in production and the dev server in development', () => {
    expect(prod.entryUrl).toBe(APP_ENTRY_URL);
    expect(dev.entryUrl).toBe('http://localhost:5173');
  });

  it.each([
    ['app://parley/index.html', true],
    ['app://parley/assets/x.js?v=1#frag', true],
    ['app://other/index.html', false],
    ['file:///index.html', false],
    ['https://parley/index.html', false],
    ['not a url', false],
    ['', false],
  ])('%s is the app: %s', (url, expected) => {
    expect(isAppUrl(url, prod)).toBe(expected);
  });

  it('compares scheme and host, not the opaque "null" origin of custom schemes', () => {
    expect(new URL('app://evil/x').origin).toBe(new URL('app://parley/x').origin);
    expect(isAppUrl('app://evil/x', prod)).toBe(false);
  });
});

describe('permissions', () => {
  it.each(['media', 'display-capture', 'notifications', 'fullscreen'])(
    'grants %s to the app only',
    (permission) => {
      expect(isPermissionAllowed(permission, 'app://parley/index.html', prod)).toBe(true);
      expect(isPermissionAllowed(permission, 'https://evil.example/', prod)).toBe(false);
      expect(isPermissionAllowed(permission, undefined, prod)).toBe(false);
    },
  );

  it.each([
    'geolocation',
    'midi',
    'midiSysex',
    'openExternal',
    'pointerLock',
    'hid',
    'serial',
    'usb',
    'unknown',
  ])('denies %s even to the app', (permission) => {
    expect(isPermissionAllowed(permission, 'app://parley/index.html', prod)).toBe(false);
  });
});

describe('navigation and new windows', () => {
  it('allows staying on the app and sends web links to the browser', () => {
    expect(decideNavigation('app://parley/index.html', prod)).toEqual({ allow: true });
    expect(decideNavigation('https://example.com/a?b=1', prod)).toEqual({
      allow: false,
      openExternally: 'https://example.com/a?b=1',
    });
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-msdt:/id', 'garbage'])(
    'never opens %s anywhere',
    (url) => {
      expect(decideNavigation(url, prod)).toEqual({ allow: false, openExternally: null });
      expect(decideWindowOpen(url)).toEqual({ openExternally: null });
    },
  );

  it('opens http(s) window.open targets externally', () => {
    expect(decideWindowOpen('http://example.com')).toEqual({ openExternally: 'http://example.com/' });
  });
});

describe('app:// file serving', () => {
  let root: string;
  beforeAll(() => {
    const base = mkdtempSync(join(tmpdir(), 'parley-app-'));
    root = join(base, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Parley</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(base, 'secret.txt'), 'not for the page');
  });
  afterAll(() => rmSync(join(root, '..'), { recursive: true, force: true }));

  it('maps paths under the root, with content types', () => {
    expect(resolveAppFile('app://parley/', root)).toEqual({
      ok: true,
      path: join(root, 'index.html'),
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveAppFile('app://parley/assets/app.js?x=1', root)).toMatchObject({
      ok: true,
      path: join(root, 'assets', 'app.js'),
    });
  });

  it.each([
    'app://parley/../secret.txt',
    'app://parley/%2e%2e/secret.txt',
    'app://parley/assets/..%2f..%2fsecret.txt',
    'app://parley/%2e%2e%5csecret.txt',
    'app://other/index.html',
    'https://parley/index.html',
  ])('refuses %s', (url) => {
    const result = resolveAppFile(url, root);
    if (result.ok) expect(result.path.startsWith(root)).toBe(true);
    else expect([400, 404]).toContain(result.status);
  });

  it('serves files with the CSP header and refuses what is outside', async () => {
    const page = await appProtocolResponse('GET', 'app://parley/index.html', root);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Parley</title>');

    const escape = await appProtocolResponse('GET', 'app://parley/assets/..%2f..%2fsecret.txt', root);
    expect(escape.status).not.toBe(200);
    expect((await appProtocolResponse('GET', 'app://parley/missing.js', root)).status).toBe(404);
    expect((await appProtocolResponse('POST', 'app://parley/index.html', root)).status).toBe(405);
  });

  it('has a CSP that allows no remote scripts, objects or frames', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-src 'none'");
  });
});
