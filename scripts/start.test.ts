import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { humanLine, listeningUrl, portIsFree, reachabilityHint } from './start-lib.mjs';

const startScript = fileURLToPath(new URL('./start.mjs', import.meta.url));

/** Something else on a port, answering /health like a Parley server would. */
async function impostor(): Promise<{ server: Server; port: number }> {
  const server = createServer((_request, response) => response.end('{"status":"ok"}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

let running: Server | null = null;
afterEach(async () => {
  await new Promise((resolve) => running?.close(resolve) ?? resolve(undefined));
  running = null;
});

describe('npm start helpers', () => {
  it('reads the URL from the JSON log line parley-server writes when it listens', () => {
    const line = (msg: string, url?: string) => JSON.stringify({ level: 30, time: 1, msg, url });
    expect(
      listeningUrl(
        line(
          'Parley server 0.1.0 listening on http://127.0.0.1:8080, data in .data (sqlite)',
          'http://127.0.0.1:8080',
        ),
      ),
    ).toBe('http://127.0.0.1:8080');
    // Another program's line, a log line without the URL, plain text: none is our server's.
    expect(listeningUrl(line('listening on http://127.0.0.1:8080', 'http://127.0.0.1:8080'))).toBeNull();
    expect(listeningUrl(line('Parley server 0.1.0 listening on http://127.0.0.1:8080'))).toBeNull();
    expect(listeningUrl('Parley server 0.1.0 listening on http://127.0.0.1:8080, data in x')).toBeNull();
    expect(humanLine(line('request completed'))).toBe('request completed');
    expect(humanLine('plain text')).toBe('plain text');
  });

  it('says how to let other machines in, or where they can reach it', () => {
    expect(reachabilityHint('127.0.0.1', '8080', {})).toMatch(/HOST=0\.0\.0\.0 npm start/);
    const lan = { eth0: [{ address: '192.168.1.20', family: 'IPv4', internal: false }] };
    expect(reachabilityHint('0.0.0.0', '8080', lan as never)).toContain('http://192.168.1.20:8080');
  });

  it('sees a taken port as taken', async () => {
    const { server, port } = await impostor();
    running = server;
    expect(await portIsFree('127.0.0.1', port)).toBe(false);
    await new Promise((resolve) => server.close(resolve));
    running = null;
    expect(await portIsFree('127.0.0.1', port)).toBe(true);
  });

  it('refuses to start when another process answers /health on its port', async () => {
    const { server, port } = await impostor();
    running = server;
    const child = spawn(process.execPath, [startScript, '--skip-build'], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).not.toBe(0);
    expect(output).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
    expect(output).not.toMatch(/serving the web client|opening the desktop app/);
  });
});
