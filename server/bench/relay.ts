/**
 * The reference relays the benches compare Parley against, each in its own process like
 * Parley's server: `socketio` (a plain Socket.IO server: no auth, no storage, join a room from
 * the handshake, broadcast each message to it, ack the sender) and `ws` (the same on a bare
 * `ws` server with JSON frames). Prints its URL on stdout.
 *
 *   npx tsx server/bench/relay.ts socketio|ws
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { WebSocketServer, type WebSocket } from 'ws';

const kind = process.argv[2];
// The one page it serves: the call-setup bench's bare WebRTC client (bare-call.html), from
// this origin because Chromium lets a page reach a loopback socket only from loopback.
const bareCall = readFileSync(new URL('./bare-call.html', import.meta.url));
const http = createServer((req, res) => {
  if (req.url?.startsWith('/bare-call.html')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(bareCall);
  } else res.writeHead(404).end();
});

if (kind === 'socketio') {
  const io = new Server(http, { transports: ['websocket'] });
  io.on('connection', (socket) => {
    const room = String(socket.handshake.query.room ?? '');
    void socket.join(room);
    socket.on('send', (payload: { body: string }, ack?: (r: { ok: true }) => void) => {
      io.to(room).emit('message', { body: payload.body, from: socket.id });
      ack?.({ ok: true });
    });
  });
} else if (kind === 'ws') {
  const rooms = new Map<string, Set<WebSocket>>();
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (socket, req) => {
    const room = new URL(req.url ?? '/', 'http://x').searchParams.get('room') ?? '';
    let members = rooms.get(room);
    if (!members) rooms.set(room, (members = new Set()));
    members.add(socket);
    socket.on('close', () => members.delete(socket));
    socket.on('message', (data) => {
      const { id, body } = JSON.parse(String(data)) as { id: number; body: string };
      const frame = JSON.stringify({ t: 'message', body });
      for (const member of members) member.send(frame);
      socket.send(JSON.stringify({ t: 'ack', id }));
    });
  });
} else {
  console.error('usage: relay.ts socketio|ws');
  process.exit(2);
}

http.listen(0, '127.0.0.1', () => {
  console.log(`relay listening on http://127.0.0.1:${(http.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => process.exit(0));
