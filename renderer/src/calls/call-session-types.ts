import type { CallMedia, HostResult } from '@parley/shared';
import type { DeviceChoice, DeviceLists } from './media';
import type { PeerConnection, PeerConnectionOptions } from './peer-connection';

/**
 * What a call's media session is and shows (its implementation: call-session.ts). The call
 * screens and hooks depend on these, not on the session's code.
 */

export type LinkState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed';

export interface CallSessionSnapshot {
  callId: string;
  /** What the local tile shows: a new object whenever the shown track changes. */
  localPreview: MediaStream | null;
  remoteStream: MediaStream | null;
  /** True once the remote stream carries a video track. */
  remoteHasVideo: boolean;
  micMuted: boolean;
  cameraOff: boolean;
  /** A camera track exists (false for audio calls and "Audio only" answers). */
  hasCamera: boolean;
  screenSharing: boolean;
  /** What the other side told us over the data channel. */
  remoteMuted: { audio: boolean; video: boolean };
  link: LinkState;
  devices: DeviceLists;
  selected: DeviceChoice;
  error: string | null;
}

/** Timestamps (Date.now()) for the call-setup measurement and for debugging. */
export interface CallMarks {
  /** The user pressed Accept on this device (callee only). */
  acceptRequestedAt: number | null;
  /** The call became active here and the peer connection was started. */
  acceptedAt: number | null;
  /** getUserMedia resolved. */
  localMediaAt: number | null;
  /** The first signal from the other side arrived (the caller's offer, on the callee). */
  firstSignalAt: number | null;
  /** This side sent its first signal to the other (the callee: its answer). */
  firstSignalSentAt: number | null;
  /** The peer connection's transport is up (ICE and DTLS done; connectionState 'connected'). */
  transportUpAt: number | null;
  /** The data channel is open too: the call is connected. */
  connectedAt: number | null;
  firstRemoteFrameAt: number | null;
}

export interface CallSession {
  readonly callId: string;
  readonly marks: CallMarks;
  getSnapshot(): CallSessionSnapshot;
  subscribe(listener: () => void): () => void;
  /** Opens the microphone (and camera for video); idempotent. Rejects with a readable error. */
  prepare(media: CallMedia): Promise<void>;
  /**
   * Callee, while the call rings: opens the media already (a preview, and no wait on Accept)
   * if the user has allowed the camera and microphone before; never prompts, never fails.
   */
  ring(media: CallMedia): Promise<void>;
  /**
   * Callee: the user pressed Accept (`choice`: with video, or audio only). Accepts on the
   * server and builds the peer at once; resolves with the server's answer to the accept.
   */
  answer(choice: CallMedia): Promise<HostResult>;
  /**
   * Caller only, while ringing: build the peer now (offer, ICE gathering) and hold its signals
   * until {@link connect}, so accepting costs one signaling round trip less.
   */
  prewarm(): void;
  /** The call was accepted: send held signals, build the peer if not yet built. */
  connect(initiator: boolean): void;
  toggleMic(): void;
  toggleCamera(): void;
  toggleScreenShare(): Promise<void>;
  selectDevice(kind: 'audio' | 'video', deviceId: string): Promise<void>;
  /** Called by the UI when the remote video shows its first frame. */
  markFirstRemoteFrame(): void;
  /** The peer connection, for stats; null before connect and after close. */
  readonly rtc: RTCPeerConnection | null;
  /** Called when the connection fails for good (the UI then hangs up). */
  onFailure(listener: (reason: string) => void): void;
  close(): void;
}

/** Builds peer connections: simple-peer (peer-connection.ts), or a stand-in in unit tests. */
export interface PeerLibrary {
  createPeerConnection(options: PeerConnectionOptions): PeerConnection;
}
