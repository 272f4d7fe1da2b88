/**
 * Calls end to end: real server, real web client, real WebRTC between two Chromium contexts
 * with fake camera and microphone. Media is checked through getStats() (frames decoded and
 * audio bytes received must keep rising), not through screenshots.
 */
import type { Page } from '@playwright/test';
import { startTestServer } from '../server/test/harness.js';
import { WEB_DIR, chatTitle, expect, signIn, signUpNewUser, startDirectChat, test } from './fixtures.js';

// Two Chromium contexts doing real WebRTC on two cores: give each test room to breathe.
test.describe.configure({ timeout: 120_000 });

// getDisplayMedia needs a source picked without a picker in headless Chromium.
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium',
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--allow-loopback-in-peer-connection',
      '--auto-select-desktop-capture-source=Entire screen',
      '--autoplay-policy=no-user-gesture-required',
    ],
  },
});

/** The page's call debug hook (renderer/src/calls/call-session.ts, `window.__parleyCall`). */
type CallDebugWindow = Window & {
  __parleyCall?: {
    readonly pc: RTCPeerConnection | null;
    readonly marks: Record<string, number | null> | null;
    getStats(): Promise<RTCStatsReport | null>;
  };
};

interface MediaStats {
  framesDecoded: number;
  audioBytesReceived: number;
  /** The label of the video track this side sends (camera or screen). */
  sentVideoLabel: string | null;
}

/** Reads the current call's RTCPeerConnection stats in the page. */
function mediaStats(page: Page): Promise<MediaStats> {
  return page.evaluate(async () => {
    const call = (window as CallDebugWindow).__parleyCall;
    const report = await call?.getStats();
    let framesDecoded = 0;
    let audioBytesReceived = 0;
    report?.forEach((s: Record<string, unknown>) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video' && typeof s.framesDecoded === 'number') framesDecoded += s.framesDecoded;
      if (s.kind === 'audio' && typeof s.bytesReceived === 'number') audioBytesReceived += s.bytesReceived;
    });
    const sender = call?.pc?.getSenders().find((x: RTCRtpSender) => x.track?.kind === 'video');
    return { framesDecoded, audioBytesReceived, sentVideoLabel: sender?.track?.label ?? null };
  });
}

/** Media really flows into `page`: decoded video frames and received audio keep increasing. */
async function expectMediaFlowing(page: Page) {
  await expect
    .poll(async () => (await mediaStats(page)).framesDecoded, { timeout: 15_000 })
    .toBeGreaterThan(0);
  const first = await mediaStats(page);
  await expect
    .poll(async () => {
      const now = await mediaStats(page);
      return now.framesDecoded > first.framesDecoded && now.audioBytesReceived > first.audioBytesReceived;
    })
    .toBe(true);
}

/** Two signed-up users with a direct conversation open on both sides. */
async function twoUsers(
  openClient: (o?: { baseURL?: string }) => Promise<Page>,
  /** Distinct per test: user search is by prefix, and tests share a server. */
  names: [string, string],
  baseURL?: string,
) {
  const alicePage = await openClient(baseURL ? { baseURL } : {});
  const bobPage = await openClient(baseURL ? { baseURL } : {});
  const alice = await signUpNewUser(alicePage, names[0]);
  const bob = await signUpNewUser(bobPage, names[1]);
  await startDirectChat(alicePage, bob);
  // Nothing said yet, so the chat is not in Bob's list: he opens it from New chat.
  await startDirectChat(bobPage, alice);
  await expect(chatTitle(bobPage)).toHaveText(alice.displayName);
  return { alicePage, bobPage, alice, bob };
}

function startCall(page: Page, media: 'audio' | 'video' = 'video') {
  return page
    .locator('.chat-header')
    .getByRole('button', { name: media === 'video' ? 'Video call' : 'Voice call', exact: true })
    .click();
}

/** The call records shown inline in the open conversation. */
const callRecords = (page: Page) => page.getByRole('log', { name: 'Messages' }).getByTestId('call-record');
const incoming = (page: Page) => page.getByTestId('incoming-call');
const endedReason = (page: Page) => page.getByTestId('call-ended-reason');

/** For people reviewing the UI (e2e/screenshots/, not compared against anything). */
function shot(page: Page, name: string) {
  return page.screenshot({ path: `e2e/screenshots/${name}.png`, animations: 'disabled' });
}

async function closeEnded(page: Page) {
  // The screen also goes away by itself after a few seconds; on a busy machine that may win.
  const close = page.getByRole('button', { name: 'Close call screen' });
  if (await close.isVisible()) await close.click().catch(() => undefined);
  await expect(page.getByTestId('call-ended')).toBeHidden();
}

test('A calls B: video both ways, mute, screen share, hang up leaves a call record', async ({
  openClient,
}) => {
  const { alicePage, bobPage, alice } = await twoUsers(openClient, ['Alice Video', 'Bob Video']);

  await startCall(alicePage, 'video');
  await expect(alicePage.getByTestId('outgoing-call')).toBeVisible();
  await expect(incoming(bobPage)).toContainText(alice.displayName);
  await expect(incoming(bobPage)).toContainText('Video call');
  // While it rings, Alice sees her own camera behind the ringing screen.
  await expect(alicePage.getByTestId('outgoing-preview')).toBeVisible();
  await shot(alicePage, 'call-outgoing');
  await shot(bobPage, 'call-incoming');
  await bobPage.getByRole('button', { name: 'Accept with video' }).click();

  await expect(alicePage.getByTestId('in-call')).toBeVisible();
  await expect(bobPage.getByTestId('in-call')).toBeVisible();
  await expect(alicePage.getByTestId('remote-video')).toBeVisible();
  await expect(bobPage.getByTestId('remote-video')).toBeVisible();
  await expectMediaFlowing(alicePage);
  await expectMediaFlowing(bobPage);
  await expect(alicePage.getByTestId('in-call')).toHaveAttribute('data-link', 'connected');
  await bobPage.mouse.move(640, 400);
  await shot(bobPage, 'call-active');

  // Alice mutes: Bob sees it; she unmutes: it goes away.
  await alicePage.getByRole('button', { name: 'Mute microphone' }).click();
  await expect(bobPage.getByTestId('remote-muted')).toBeVisible();
  await alicePage.getByRole('button', { name: 'Unmute microphone' }).click();
  await expect(bobPage.getByTestId('remote-muted')).toBeHidden();

  // Alice shares her screen: the sent track changes, the call stays up and video keeps flowing.
  const cameraLabel = (await mediaStats(alicePage)).sentVideoLabel;
  expect(cameraLabel).toBeTruthy();
  await alicePage.getByRole('button', { name: 'Share screen' }).click();
  await expect(alicePage.getByRole('button', { name: 'Stop sharing screen' })).toBeVisible();
  await expect.poll(async () => (await mediaStats(alicePage)).sentVideoLabel).not.toBe(cameraLabel);
  await expectMediaFlowing(bobPage);
  // And back to the camera.
  await alicePage.getByRole('button', { name: 'Stop sharing screen' }).click();
  await expect.poll(async () => (await mediaStats(alicePage)).sentVideoLabel).toBe(cameraLabel);
  await expectMediaFlowing(bobPage);

  // The device menu lists the fake camera and microphone.
  await alicePage.getByRole('button', { name: 'Choose devices' }).click();
  const menu = alicePage.getByRole('menu');
  await expect(menu.getByRole('menuitemradio').first()).toBeVisible();
  await expect(menu.getByRole('menuitemradio', { checked: true })).toHaveCount(2);
  await alicePage.keyboard.press('Escape');
  await expect(menu).toBeHidden();

  // Camera off shows Alice's initials to Bob instead of a black picture.
  await alicePage.getByRole('button', { name: 'Turn camera off' }).click();
  await expect(bobPage.getByTestId('remote-avatar')).toBeVisible();
  await shot(bobPage, 'call-camera-off');
  await alicePage.getByRole('button', { name: 'Turn camera on' }).click();
  await expect(bobPage.getByTestId('remote-video')).toBeVisible();

  // Hang up: both sides see the end, close it, and find the record in the chat.
  await alicePage.getByRole('button', { name: 'Hang up' }).click();
  await expect(endedReason(alicePage)).toContainText('Call ended');
  await expect(endedReason(bobPage)).toContainText('Call ended');
  await shot(bobPage, 'call-ended');
  await closeEnded(alicePage);
  await closeEnded(bobPage);
  for (const page of [alicePage, bobPage]) {
    const record = callRecords(page).last();
    await expect(record).toContainText(/Video call/);
    await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  }
  // The camera is released when the call ends.
  expect(await alicePage.evaluate(() => (window as CallDebugWindow).__parleyCall?.pc ?? null)).toBeNull();
});

test('B declines: A sees "declined" and both get a declined record', async ({ openClient }) => {
  const { alicePage, bobPage, bob } = await twoUsers(openClient, ['Alice Decline', 'Bob Decline']);
  await startCall(alicePage, 'audio');
  await expect(incoming(bobPage)).toContainText('Voice call');
  await bobPage.getByRole('button', { name: 'Decline call' }).click();
  await expect(endedReason(alicePage)).toContainText(`${bob.displayName} declined`);
  await expect(incoming(bobPage)).toBeHidden();
  await closeEnded(alicePage);
  await expect(callRecords(alicePage).last()).toBeVisible();
  await expect(callRecords(bobPage).last()).toBeVisible();
});

test('A cancels before B answers: B stops ringing', async ({ openClient }) => {
  const { alicePage, bobPage, alice } = await twoUsers(openClient, ['Alice Cancel', 'Bob Cancel']);
  await startCall(alicePage, 'video');
  await expect(incoming(bobPage)).toBeVisible();
  await alicePage.getByRole('button', { name: 'Cancel call' }).click();
  await expect(incoming(bobPage)).toBeHidden();
  await expect(endedReason(bobPage)).toContainText(`Missed call from ${alice.displayName}`);
  await closeEnded(bobPage);
  await expect(callRecords(bobPage).last()).toBeVisible();
});

test('B answers on one device: the other device stops ringing', async ({ openClient }) => {
  const { alicePage, bobPage, bob } = await twoUsers(openClient, ['Alice Devices', 'Bob Devices']);
  const bobSecond = await openClient();
  await signIn(bobSecond, bob);
  await startCall(alicePage, 'video');
  await expect(incoming(bobPage)).toBeVisible();
  await expect(incoming(bobSecond)).toBeVisible();
  await bobPage.getByRole('button', { name: 'Accept with video' }).click();
  await expect(incoming(bobSecond)).toBeHidden();
  await expect(endedReason(bobSecond)).toContainText('Answered on another device');
  await expect(bobPage.getByTestId('in-call')).toBeVisible();
  await expectMediaFlowing(alicePage);
  await bobPage.getByRole('button', { name: 'Hang up' }).click();
  await expect(endedReason(alicePage)).toContainText('Call ended');
});

test('Audio only: B answers without camera and A sees B’s initials', async ({ openClient }) => {
  const { alicePage, bobPage } = await twoUsers(openClient, ['Alice Audio', 'Bob Audio']);
  await startCall(alicePage, 'video');
  await bobPage.getByRole('button', { name: 'Accept audio only' }).click();
  await expect(alicePage.getByTestId('in-call')).toHaveAttribute('data-link', 'connected');
  await expect(alicePage.getByTestId('remote-avatar')).toBeVisible();
  // Bob still sees Alice's camera.
  await expect(bobPage.getByTestId('remote-video')).toBeVisible();
  await expectMediaFlowing(bobPage);
  // Over video the controls fade when idle, and any key brings them back; with nothing to
  // watch (Alice sees Bob's initials) they never fade.
  await expect(bobPage.getByTestId('in-call')).toHaveAttribute('data-controls', 'hidden', {
    timeout: 10_000,
  });
  await bobPage.keyboard.press('Shift');
  await expect(bobPage.getByTestId('in-call')).toHaveAttribute('data-controls', 'visible');
  await expect(alicePage.getByTestId('in-call')).toHaveAttribute('data-controls', 'visible');
  await bobPage.getByRole('button', { name: 'Hang up' }).click();
  await expect(endedReason(alicePage)).toContainText('Call ended');
});

test('A loses the server connection briefly: the call survives', async ({ openClient }) => {
  const { alicePage, bobPage } = await twoUsers(openClient, ['Alice Blip', 'Bob Blip']);
  await startCall(alicePage, 'video');
  await bobPage.getByRole('button', { name: 'Accept with video' }).click();
  await expectMediaFlowing(bobPage);
  // The socket drops (the peer-to-peer media path is loopback and unaffected)...
  await alicePage.context().setOffline(true);
  await expect(alicePage.getByTestId('connection-status')).not.toHaveText('Online');
  await alicePage.context().setOffline(false);
  // ...and comes back well within the server's 10 s grace: nobody's call ended.
  await expect(alicePage.getByTestId('connection-status')).toHaveText('Online', { timeout: 15_000 });
  await expect(alicePage.getByTestId('in-call')).toBeVisible();
  await expect(bobPage.getByTestId('in-call')).toBeVisible();
  await expectMediaFlowing(bobPage);
  // The call is still bound on the server: hanging up reaches the other side.
  await alicePage.getByRole('button', { name: 'Hang up' }).click();
  await expect(endedReason(bobPage)).toContainText('Call ended');
});

test('Nobody answers: the call ends with "No answer" and a missed-call record', async ({ openClient }) => {
  // A server of its own, with a short ring timeout.
  const server = await startTestServer({ webDir: WEB_DIR, callRingTimeoutMs: 6000 });
  try {
    const { alicePage, bobPage, alice } = await twoUsers(openClient, ['Alice Ring', 'Bob Ring'], server.url);
    await startCall(alicePage, 'video');
    await expect(incoming(bobPage)).toBeVisible();
    await expect(endedReason(alicePage)).toContainText('No answer');
    await expect(endedReason(bobPage)).toContainText(`Missed call from ${alice.displayName}`);
    await closeEnded(alicePage);
    await expect(callRecords(alicePage).last()).toContainText(/No answer|[Mm]issed/);
  } finally {
    await server.close();
  }
});
