import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_WEB_DIR, loadConfig, resolveJwtSecret } from '../src/config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({}, []);
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: undefined,
      redisUrl: undefined,
      corsOrigins: [],
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 30 * 86400,
      maxPayloadBytes: 65536,
      messageRate: 30,
      loginRate: 10,
      webDir: DEFAULT_WEB_DIR,
      logLevel: 'info',
      callRingTimeoutMs: 30_000,
      callReconnectGraceMs: 10_000,
      scryptLogN: 15,
    });
    expect(config.dataDir).toBe(join(process.cwd(), '.data'));
    expect(DEFAULT_WEB_DIR.endsWith(join('out', 'renderer'))).toBe(true);
  });

  it('reads the environment, and flags win over it', () => {
    const config = loadConfig(
      {
        PORT: '9000',
        HOST: '127.0.0.1',
        CORS_ORIGINS: 'https://a.example, https://b.example',
        ACCESS_TOKEN_TTL: '5m',
        REFRESH_TOKEN_TTL: '7d',
        STUN_URLS: 'stun:stun.example:3478',
        TURN_URLS: 'turn:turn.example:3478?transport=udp,turns:turn.example:5349',
        TURN_SECRET: 's3cret',
        DATABASE_URL: 'postgres://u@localhost/db',
      },
      ['--port', '9100', '--log-level=warn', '--message-rate', '5'],
    );
    expect(config).toMatchObject({
      port: 9100,
      host: '127.0.0.1',
      corsOrigins: ['https://a.example', 'https://b.example'],
      accessTokenTtlSeconds: 300,
      refreshTokenTtlSeconds: 7 * 86400,
      stunUrls: ['stun:stun.example:3478'],
      turnUrls: ['turn:turn.example:3478?transport=udp', 'turns:turn.example:5349'],
      turnSecret: 's3cret',
      databaseUrl: 'postgres://u@localhost/db',
      logLevel: 'warn',
      messageRate: 5,
    });
  });

  it('names every bad setting', () => {
    const bad = () =>
      loadConfig({
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        JWT_SECRET: 'short',
        ACCESS_TOKEN_TTL: 'soon',
        REDIS_URL: 'http://x',
      });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (err) {
      const message = (err as Error).message;
      for (const key of ['PORT', 'LOG_LEVEL', 'JWT_SECRET', 'ACCESS_TOKEN_TTL', 'REDIS_URL'])
        expect(message).toContain(key);
    }
    expect(() => loadConfig({}, ['--no-such-flag', 'x'])).toThrow(ConfigError);
    expect(() => loadConfig({}, ['positional'])).toThrow(ConfigError);
  });
});

describe('resolveJwtSecret', () => {
  it('generates a secret once, keeps it with mode 0600 and reuses it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-config-'));
    try {
      const config = loadConfig({ DATA_DIR: join(dir, 'nested') });
      const first = await resolveJwtSecret(config);
      expect(first.length).toBeGreaterThanOrEqual(32);
      const file = join(dir, 'nested', 'jwt-secret');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await readFile(file, 'utf8')).trim()).toBe(first);
      expect(await resolveJwtSecret(config)).toBe(first);
      const configured = loadConfig({ DATA_DIR: dir, JWT_SECRET: 'x'.repeat(40) });
      expect(await resolveJwtSecret(configured)).toBe('x'.repeat(40));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
