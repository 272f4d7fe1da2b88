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

const videoConstraints = (deviceId: string | null): MediaTrackConstraints => ({
  ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
  width: { ideal: 1280 },
  height: { ideal: 720 },
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

/** A single new track from a chosen device, for replaceTrack. */
export async function getDeviceTrack(kind: 'audio' | 'video', deviceId: string): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia(
    kind === 'audio' ? { audio: audioConstraints(deviceId) } : { video: videoConstraints(deviceId) },
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
