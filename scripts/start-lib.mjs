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

/** The line `parley-server` prints once it listens, with its URL (server/src/bin.ts). */
export function listeningUrl(line) {
  const match = /^Parley server \S+ listening on (\S+?)[,\s]/.exec(line);
  return match ? match[1] : null;
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
