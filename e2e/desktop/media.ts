/** Media checks for calls, through the renderer's call debug hook (`window.__parleyCall`). */
import type { Expect, Page } from '@playwright/test';

export interface MediaStats {
  framesDecoded: number;
  /** The label of the video track this side sends (camera or screen). */
  sentVideoLabel: string | null;
}

export function mediaStats(page: Page): Promise<MediaStats> {
  return page.evaluate(async () => {
    const call = (
      window as unknown as {
        __parleyCall?: { pc: RTCPeerConnection | null; getStats(): Promise<RTCStatsReport | null> };
      }
    ).__parleyCall;
    const report = await call?.getStats();
    let framesDecoded = 0;
    report?.forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video' && typeof s.framesDecoded === 'number')
        framesDecoded += s.framesDecoded;
    });
    const sender = call?.pc?.getSenders().find((x) => x.track?.kind === 'video');
    return { framesDecoded, sentVideoLabel: sender?.track?.label ?? null };
  });
}

/** Decoded video frames keep increasing on `page`. */
export async function framesKeepComing(page: Page, expectPoll: Expect) {
  const first = (await mediaStats(page)).framesDecoded;
  await expectPoll.poll(async () => (await mediaStats(page)).framesDecoded).toBeGreaterThan(first);
}
