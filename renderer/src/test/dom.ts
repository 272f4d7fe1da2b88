/**
 * What component tests (jsdom, `*.test.tsx`) need that jsdom lacks: media elements that can
 * "play", pointer capture, and MediaStreams to hand them. Import it first in a test file.
 */
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';

// Vitest runs without globals, so Testing Library cannot register its own cleanup.
afterEach(cleanup);

// jsdom has no media playback: play() is "not implemented" there.
HTMLMediaElement.prototype.play = function play() {
  return Promise.resolve();
};
HTMLMediaElement.prototype.pause = function pause() {};
Element.prototype.setPointerCapture ??= function setPointerCapture() {};
Element.prototype.releasePointerCapture ??= function releasePointerCapture() {};
Element.prototype.hasPointerCapture ??= () => false;

/**
 * A stand-in for a MediaStream (jsdom has none). Only its identity matters to the views under
 * test; with no audio tracks the speaking-level meter (Web Audio) stays off.
 */
export function fakeStream(label = 'remote'): MediaStream {
  return {
    id: label,
    getTracks: () => [],
    getAudioTracks: () => [],
    getVideoTracks: () => [],
    addEventListener() {},
    removeEventListener() {},
  } as unknown as MediaStream;
}
