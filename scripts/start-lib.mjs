// Helpers of `npm start` (scripts/start.mjs), kept apart so they are tested without starting
// anything (scripts/start.test.ts).
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';

/** Resolves true when nothing listens on host:port (we could bind it), false when it is taken. */
export function portIsFree(host, port) {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      else reject(error);
    });
    probe.listen({ host, port: Number(port), exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** A JSON log line of parley-server (pino), or null for anything else. */
function logRecord(line) {
  if (!line.startsWith('{')) return null;
  try {
    const record = JSON.parse(line);
    return record && typeof record === 'object' && typeof record.msg === 'string' ? record : null;
  } catch {
    return null;
  }
}

/** The URL from the log line `parley-server` writes once it listens (server/src/bin.ts). */
export function listeningUrl(line) {
  const record = logRecord(line);
  if (!record || typeof record.url !== 'string') return null;
  return /^Parley server \S+ listening on /.test(record.msg) ? record.url : null;
}

/** What a person reads of a server log line: the message of a JSON record, else the line. */
export function humanLine(line) {
  return logRecord(line)?.msg ?? line;
}

/** Where the server can be reached from other machines, or how to allow it. */
export function reachabilityHint(host, port, interfaces = networkInterfaces()) {
  const everywhere = host === '0.0.0.0' || host === '::';
  if (!everywhere) {
    return (
      `Only this computer can reach it (it listens on ${host}). To let other machines in, ` +
      `run HOST=0.0.0.0 npm start (and allow port ${port} through the firewall).`
    );
  }
  const addresses = Object.values(interfaces)
    .flat()
    .filter((entry) => entry && !entry.internal && entry.family === 'IPv4')
    .map((entry) => `http://${entry.address}:${port}`);
  return addresses.length > 0
    ? `Other machines on your network can use ${addresses.join(' or ')}.`
    : `It listens on all interfaces, port ${port}.`;
}
