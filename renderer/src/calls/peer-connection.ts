import SimplePeer from 'simple-peer/simplepeer.min.js';

/**
 * The one place that knows about simple-peer. The rest of the call code talks to
 * {@link PeerConnection}, so swapping simple-peer (unmaintained since 2022) for another wrapper
 * or for plain RTCPeerConnection means rewriting this file only.
 *
 * The browser bundle is imported because the package's main entry needs Node globals in a Vite
 * build (see toolchain.md); it is typed here, narrowly, instead of through @types/simple-peer,
 * which would pull Node's types into the renderer.
 */

/** Signal data (SDP or ICE candidate), opaque to everything but the two peers. */
export type PeerSignal = Record<string, unknown>;

export interface PeerEvents {
  /** Signal data to hand to the other side (trickle ICE: an offer/answer, then candidates). */
  signal: (data: PeerSignal) => void;
  /** The data channel is open and ICE connected. */
  connect: () => void;
  /** The other side's media. */
  stream: (stream: MediaStream) => void;
  /** A text message from the other side over the data channel. */
  data: (text: string) => void;
  ice: (state: RTCIceConnectionState) => void;
  close: () => void;
  error: (error: Error) => void;
}

export interface PeerConnection {
  /** Feeds signal data from the other side. */
  signal(data: PeerSignal): void;
  /** Sends text over the data channel; false when it is not open (yet or any more). */
  send(text: string): boolean;
  /** Swaps the track a sender sends, without renegotiation (device switch, screen share). */
  replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack): void;
  on<E extends keyof PeerEvents>(event: E, listener: PeerEvents[E]): void;
  /** The underlying connection, for getStats(); null once destroyed. */
  readonly rtc: RTCPeerConnection | null;
  destroy(): void;
}

export interface PeerConnectionOptions {
  /** The side that creates the offer (the caller). */
  initiator: boolean;
  /** Local media; the same stream object must stay in use for {@link PeerConnection.replaceTrack}. */
  stream: MediaStream;
  iceServers: RTCIceServer[];
}

/** The part of a simple-peer instance this module uses. */
interface SimplePeerInstance {
  signal(data: PeerSignal): void;
  send(data: string): void;
  replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack, stream: MediaStream): void;
  on(event: string, listener: (...args: never[]) => void): void;
  destroy(): void;
  readonly connected: boolean;
  readonly destroyed: boolean;
  /** simple-peer's RTCPeerConnection (a private field, stable across 9.x). */
  readonly _pc: RTCPeerConnection | null;
}
type SimplePeerConstructor = new (options: {
  initiator: boolean;
  stream: MediaStream;
  trickle: boolean;
  config: RTCConfiguration;
}) => SimplePeerInstance;

const Peer = SimplePeer as SimplePeerConstructor;

export function createPeerConnection(options: PeerConnectionOptions): PeerConnection {
  const peer = new Peer({
    initiator: options.initiator,
    stream: options.stream,
    trickle: true,
    // One transport for audio, video and data from the start: the offer then gathers one set
    // of candidates instead of one per m-line (a third of the signals), and nothing has to be
    // torn down once the answer accepts the bundle. Every current browser supports it.
    config: { iceServers: options.iceServers, bundlePolicy: 'max-bundle' },
  });
  const decoder = new TextDecoder();

  return {
    signal: (data) => {
      if (!peer.destroyed) peer.signal(data);
    },
    send: (text) => {
      if (!peer.connected || peer.destroyed) return false;
      try {
        peer.send(text);
        return true;
      } catch {
        // The channel closed between the check and the send.
        return false;
      }
    },
    replaceTrack: (oldTrack, newTrack) => peer.replaceTrack(oldTrack, newTrack, options.stream),
    on(event, listener) {
      switch (event) {
        case 'data':
          // simple-peer hands over a Buffer (a Uint8Array) in non-object mode.
          peer.on('data', (chunk: Uint8Array | string) =>
            (listener as PeerEvents['data'])(typeof chunk === 'string' ? chunk : decoder.decode(chunk)),
          );
          break;
        case 'ice':
          peer.on('iceStateChange', (state: RTCIceConnectionState) => (listener as PeerEvents['ice'])(state));
          break;
        default:
          peer.on(event, listener as (...args: never[]) => void);
      }
    },
    get rtc() {
      return peer.destroyed ? null : peer._pc;
    },
    destroy: () => peer.destroy(),
  };
}
