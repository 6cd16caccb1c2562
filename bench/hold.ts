import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/lib/chromiumLaunch';
import { createLogger } from '../src/whatsapp/logger';
import { createFarEnd, recentPitch, type ReceivedAudio } from '../sim/farEnd';
import { startPhoneWithSim } from '../sim/phoneWithSim';

/** The page's microphone becomes a steady 300 Hz tone: the "voice" the far end tells from hold music by pitch. */
const VOICE_300HZ = `navigator.mediaDevices.getUserMedia = async () => {
  const context = new AudioContext();
  const osc = context.createOscillator();
  osc.frequency.value = 300;
  const sink = context.createMediaStreamDestination();
  osc.connect(sink);
  osc.start();
  return sink.stream;
};`;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const isVoice = (hz?: number) => hz !== undefined && hz > 240 && hz < 360;
const isMusic = (hz?: number) => hz !== undefined && hz > 450;

/** Milliseconds from `since` until the far end's last few loud frames have the wanted pitch. */
async function heardAfter(received: ReceivedAudio, since: number, wanted: (hz?: number) => boolean): Promise<number> {
  const deadline = Date.now() + 10_000;
  while (!wanted(recentPitch(received, 5)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  return Date.now() - since;
}

async function clickAt(page: Page, testId: string): Promise<number> {
  return page.evaluate((id) => {
    const at = Date.now();
    (document.querySelector(`[data-testid="${id}"]`) as HTMLButtonElement).click();
    return at;
  }, testId);
}

/**
 * Hold and Resume in the app (click -> the far end hears the hold loop / the agent again) against a bare page
 * doing nothing but `replaceTrack` between the same two kinds of sound, in the same run and the same Chromium.
 */
export async function benchHold(rounds = 7) {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const holdMs: number[] = [];
    const resumeMs: number[] = [];
    const phone = await startPhoneWithSim({ logger: createLogger({ level: 'warn' }) });
    const page = await browser.newPage();
    await page.addInitScript('window.__name = (fn) => fn');
    await page.addInitScript(VOICE_300HZ);
    await page.goto(phone.host.url);
    const call = await phone.sim.placeCall();
    await page.getByTestId('answer').click();
    await heardAfter(call.farEnd.received, Date.now(), isVoice);
    for (let i = 0; i < rounds + 1; i += 1) {
      const hold = await heardAfter(call.farEnd.received, await clickAt(page, 'hold'), isMusic);
      await page.waitForTimeout(300);
      const resume = await heardAfter(call.farEnd.received, await clickAt(page, 'held-resume'), isVoice);
      await page.waitForTimeout(300);
      if (i > 0) {
        holdMs.push(hold);
        resumeMs.push(resume);
      }
    }
    await page.close();
    await phone.close();

    const bareSwap: number[] = [];
    const bare = await browser.newPage();
    // tsx names functions with an `__name` helper that does not exist inside the page.
    await bare.addInitScript('window.__name = (fn) => fn');
    await bare.setContent('<!doctype html><p>bare</p>');
    await bare.evaluate('window.__name = (fn) => fn');
    const farEnd = await createFarEnd({ toneHz: 0 });
    const answer = await bare.evaluate(async (offer) => {
      const context = new AudioContext();
      const tone = (hz: number) => {
        const osc = context.createOscillator();
        osc.frequency.value = hz;
        const sink = context.createMediaStreamDestination();
        osc.connect(sink);
        osc.start();
        return sink.stream.getAudioTracks()[0]!;
      };
      const tracks = { voice: tone(300), music: tone(650) };
      const pc = new RTCPeerConnection({ iceServers: [] });
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      const sender = pc.getTransceivers()[0]!.sender;
      pc.getTransceivers()[0]!.direction = 'sendrecv';
      await sender.replaceTrack(tracks.voice);
      const local = await pc.createAnswer();
      await pc.setLocalDescription({ type: 'answer', sdp: local.sdp!.replace('a=setup:actpass', 'a=setup:active') });
      await new Promise((r) => setTimeout(r, 500));
      const w = window as unknown as { __swap: (to: 'voice' | 'music') => number };
      w.__swap = (to) => {
        const at = Date.now();
        void sender.replaceTrack(tracks[to]);
        return at;
      };
      return pc.localDescription!.sdp;
    }, farEnd.offerSdp);
    await farEnd.applyAnswer(answer);
    await heardAfter(farEnd.received, Date.now(), isVoice);
    for (let i = 0; i < rounds + 1; i += 1) {
      const swap = async (to: 'voice' | 'music') =>
        heardAfter(
          farEnd.received,
          await bare.evaluate((t) => (window as unknown as { __swap: (to: string) => number }).__swap(t), to),
          to === 'music' ? isMusic : isVoice,
        );
      const toMusic = await swap('music');
      await bare.waitForTimeout(300);
      const toVoice = await swap('voice');
      await bare.waitForTimeout(300);
      if (i > 0) bareSwap.push(toMusic, toVoice);
    }
    farEnd.close();
    return { hold: median(holdMs), resume: median(resumeMs), bare: median(bareSwap), rounds };
  } finally {
    await browser.close();
  }
}
