/**
 * A Socket.IO client for load generation that costs the generator as little as possible: the
 * Engine.IO 4 / Socket.IO 5 wire format spoken over a bare `ws` socket (websocket transport
 * only, the default namespace, text packets), and a received event's body found by a string
 * search instead of a JSON parse. socket.io-client decodes every packet into objects and runs
 * it through two event emitters; at tens of thousands of deliveries a second that saturates
 * the single-process generator before the relay (docs/performance.md, target 1c).
 *
 * Enough of the protocol for the benches: the handshake (`0` open, `40{auth}` connect, `40`
 * answer or `44` refusal), pings (`2` answered `3`), events with acks (`42<id>[...]` and
 * `43<id>[...]`) and events without. Used for every system of a run alike, so the ratios stay
 * fair.
 */
import WebSocket from 'ws';

export interface RawSocketIo {
  /** Emits `event` with `data`; `onAck` gets the ack's first argument, unparsed (JSON text). */
  emit(event: string, data: unknown, onAck?: (ackJson: string) => void): void;
  /** Every text of `event`'s packets (the whole packet: the caller extracts what it needs). */
  on(event: string, listener: (packet: string) => void): void;
  close(): void;
}

/**
 * Connects to `url` (http://host:port), with `query` on the handshake URL and `auth` as the
 * namespace connect's payload. Rejects on a refused connect (`44`) or a socket error.
 */
export function connectRawSocketIo(
  url: string,
  { query = {}, auth }: { query?: Record<string, string>; auth?: unknown },
): Promise<RawSocketIo> {
  const params = new URLSearchParams({ ...query, EIO: '4', transport: 'websocket' });
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?${params}`, {
    perMessageDeflate: false,
  });
  const acks = new Map<number, (ackJson: string) => void>();
  const listeners = new Map<string, ((packet: string) => void)[]>();
  let nextAck = 0;

  return new Promise((resolve, reject) => {
    const client: RawSocketIo = {
      emit(event, data, onAck) {
        let id = '';
        if (onAck) {
          const n = nextAck++;
          acks.set(n, onAck);
          id = String(n);
        }
        ws.send(`42${id}${JSON.stringify([event, data])}`);
      },
      on(event, listener) {
        const list = listeners.get(event) ?? [];
        list.push(listener);
        listeners.set(event, list);
      },
      close: () => ws.close(),
    };
    ws.on('error', reject);
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return;
      const packet = String(raw);
      switch (packet[0]) {
        case '0': // Engine.IO open: connect to the default namespace.
          ws.send(auth === undefined ? '40' : `40${JSON.stringify(auth)}`);
          return;
        case '2': // ping
          ws.send('3');
          return;
        case '4':
          break;
        default:
          return;
      }
      // Socket.IO packets: 0 connect, 2 event, 3 ack, 4 connect error.
      const type = packet[1];
      if (type === '0') resolve(client);
      else if (type === '4') reject(new Error(`connect refused: ${packet.slice(2)}`));
      else if (type === '3') {
        const bracket = packet.indexOf('[');
        const id = Number(packet.slice(2, bracket));
        const onAck = acks.get(id);
        acks.delete(id);
        onAck?.(packet.slice(bracket + 1, -1));
      } else if (type === '2') {
        // 42["event",...]: the event's name is the first string (no ack id from these servers).
        const end = packet.indexOf('"', 4);
        const list = listeners.get(packet.slice(4, end));
        if (list) for (const l of list) l(packet);
      }
    });
  });
}

/** The value of the first `"key":"..."` string in a JSON text (no escapes in it: bench bodies). */
export function stringField(json: string, key: string): string | undefined {
  const marker = `"${key}":"`;
  const start = json.indexOf(marker);
  if (start < 0) return undefined;
  const from = start + marker.length;
  return json.slice(from, json.indexOf('"', from));
}
