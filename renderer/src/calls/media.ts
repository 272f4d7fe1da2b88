import type { CallMedia } from '@parley/shared';

/** Device choices for getUserMedia; null means the system default. */
export interface DeviceChoice {
  audioInput: string | null;
  videoInput: string | null;
}

export interface DeviceLists {
  audioInputs: MediaDeviceInfo[];
  videoInputs: MediaDeviceInfo[];
}

/**
 * A call's video starts at 640×480: a camera opens and an encoder starts faster at that size
 * (about 130 ms sooner to the first frame on a test machine), and the session raises it to
 * {@link HD_VIDEO} once the other side shows the first frame.
 */
const START_VIDEO: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 480 } };
export const HD_VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 } };

const videoConstraints = (deviceId: string | null, size = START_VIDEO): MediaTrackConstraints => ({
  ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
  ...size,
});
const audioConstraints = (deviceId: string | null): MediaTrackConstraints => ({
  ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
  echoCancellation: true,
  noiseSuppression: true,
});

/**
 * Local media for a call. A video call on a machine without a usable camera falls back to
 * audio only rather than failing the call; no microphone at all is an error the UI shows.
 */
export async function getLocalMedia(media: CallMedia, devices: DeviceChoice): Promise<MediaStream> {
  const md = navigator.mediaDevices;
  if (media === 'video') {
    try {
      return await md.getUserMedia({
        audio: audioConstraints(devices.audioInput),
        video: videoConstraints(devices.videoInput),
      });
    } catch (err) {
      console.warn('parley: camera unavailable, continuing with audio only', err);
    }
  }
  return md.getUserMedia({ audio: audioConstraints(devices.audioInput), video: false });
}

/**
 * Whether the media of a call of this kind may be opened without asking the user: they have
 * allowed the microphone (and, for video, the camera) before. False where the browser cannot
 * tell (the Permissions API does not know the name): then nothing opens before Accept.
 */
export async function mediaAllowed(media: CallMedia): Promise<boolean> {
  const names = media === 'video' ? ['microphone', 'camera'] : ['microphone'];
  try {
    const states = await Promise.all(
      names.map((name) => navigator.permissions.query({ name: name as PermissionName })),
    );
    return states.every((s) => s.state === 'granted');
  } catch {
    return false;
  }
}

/** A single new track from a chosen device, for replaceTrack. */
export async function getDeviceTrack(kind: 'audio' | 'video', deviceId: string): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia(
    // A device switched to mid-call goes straight to the call's full size.
    kind === 'audio'
      ? { audio: audioConstraints(deviceId) }
      : { video: videoConstraints(deviceId, HD_VIDEO) },
  );
  const track = stream.getTracks()[0];
  if (!track) throw new Error(`No ${kind} track from the chosen device`);
  return track;
}

export async function listDevices(): Promise<DeviceLists> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return {
    audioInputs: all.filter((d) => d.kind === 'audioinput'),
    videoInputs: all.filter((d) => d.kind === 'videoinput'),
  };
}

/** The screen (or window) the user picks; rejects when they cancel the picker. */
export async function getScreenTrack(): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getDisplayMedia({
    video: { frameRate: { ideal: 15 } },
    audio: false,
  });
  const track = stream.getVideoTracks()[0];
  if (!track) throw new Error('Screen capture gave no video track');
  // Screen content: favour sharp text over smooth motion.
  track.contentHint = 'detail';
  return track;
}
