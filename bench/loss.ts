import { chromium, type Browser, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/lib/chromiumLaunch';
import { mediaHostAddress, startTestJanus } from '../src/relay/media/testJanus';
import { startRelay } from '../src/relay/relayServer';
import { startTestRedis } from '../src/relay/testRedis';
import { estimateMos } from '../src/shared/callQuality';
import { TeamQueues } from '../src/shared/teamQueues';
import { createLogger } from '../src/whatsapp/logger';
import { createFarEnd, type CallerAudioStats, type FarEnd } from '../sim/farEnd';
import type { Impairment } from '../sim/iceLiteFront';
import { SIM_SECRETS } from '../sim/phoneWithSim';
import { startWhatsAppSim, type WhatsAppSim } from '../sim/whatsappSim';
import { AGENT_SECRET, openDesk } from '../sim/teamDesk';
import { giveVoiceAndEars } from '../sim/pageVoice';

const VOICE = 300;
export type LossPath = 'bare' | 'direct' | 'anchored';

/** What the caller heard of the agent over one measured stretch of a call. */
export interface HeardUnderLoss {
  /** RTP packets lost on the way to the caller, as its receiver counted them. */
  lostPct: number;
  /** Share of the audio the caller's decoder had to make up (packet-loss concealment): what in-band FEC reduces. */
  concealedPct: number;
  jitterMs: number;
  rttMs: number;
  /** E-model MOS (src/shared/callQuality.ts) with the loss the caller actually heard: the concealed share. */
  mos: number;
  /** Whether the answer WhatsApp got asks for Opus in-band FEC toward it (`useinbandfec=1` in its fmtp). */
  fecInAnswer: boolean;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Each figure's median over the calls of one path and loss. */
function medianOf(heard: HeardUnderLoss[]): HeardUnderLoss {
  const of = (key: 'lostPct' | 'concealedPct' | 'jitterMs' | 'rttMs' | 'mos') => median(heard.map((h) => h[key]));
  return {
    lostPct: of('lostPct'),
    concealedPct: of('concealedPct'),
    jitterMs: of('jitterMs'),
    rttMs: of('rttMs'),
    mos: of('mos'),
    fecInAnswer: heard.every((h) => h.fecInAnswer),
  };
}

function heardBetween(a: CallerAudioStats, b: CallerAudioStats, fecInAnswer: boolean): HeardUnderLoss {
  const received = b.packetsReceived - a.packetsReceived;
  const lost = b.packetsLost - a.packetsLost;
  const total = b.totalSamples - a.totalSamples;
  const concealedPct = total > 0 ? ((b.concealedSamples - a.concealedSamples) / total) * 100 : 100;
  return {
    lostPct: received + lost > 0 ? (lost / (received + lost)) * 100 : 100,
    concealedPct,
    jitterMs: b.jitterMs,
    rttMs: b.rttMs,
    mos: estimateMos(b.rttMs, b.jitterMs, concealedPct),
    fecInAnswer,
  };
}

const opusFec = (sdp: string) => {
  const pt = /^a=rtpmap:(\d+) opus\//im.exec(sdp)?.[1];
  return pt !== undefined && new RegExp(`^a=fmtp:${pt} .*useinbandfec=1`, 'm').test(sdp);
};

async function waitUntil(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The agent speaks like a person, not a steady tone: a 120 Hz glottal buzz with a little vibrato through two vowel
 * formants, in syllables of about 4 a second with pauses. Opus's encoder takes a pure tone for music and codes it
 * with CELT, which carries no in-band FEC; speech goes through SILK, where FEC lives.
 */
async function speakLikeAPerson(page: Page): Promise<void> {
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = async () => {
      const context = new AudioContext();
      await context.resume();
      const buzz = context.createOscillator();
      buzz.type = 'sawtooth';
      buzz.frequency.value = 120;
      const vibrato = context.createOscillator();
      vibrato.frequency.value = 5;
      const vibratoDepth = context.createGain();
      vibratoDepth.gain.value = 6;
      vibrato.connect(vibratoDepth).connect(buzz.frequency);
      const syllables = context.createGain();
      syllables.gain.value = 0;
      const sink = context.createMediaStreamDestination();
      for (const [hz, q] of [
        [700, 5],
        [1200, 6],
        [2600, 8],
      ] as const) {
        const formant = context.createBiquadFilter();
        formant.type = 'bandpass';
        formant.frequency.value = hz;
        formant.Q.value = q;
        buzz.connect(formant).connect(syllables);
      }
      syllables.connect(sink);
      // Syllables of 180 ms, gaps of 70 ms, a longer pause every eight: a talker's rhythm, scheduled well ahead.
      for (let i = 0, t = context.currentTime; i < 4000; i += 1) {
        syllables.gain.setTargetAtTime(0.6, t, 0.02);
        t += 0.18;
        syllables.gain.setTargetAtTime(0, t, 0.02);
        t += i % 8 === 7 ? 0.4 : 0.07;
      }
      buzz.start();
      vibrato.start();
      return sink.stream;
    };
  });
}

/** The caller hears the agent's voice, then `seconds` of the call are measured at the caller. */
async function measure(farEnd: FarEnd, seconds: number, fecInAnswer: boolean): Promise<HeardUnderLoss> {
  const loudBefore = farEnd.received.loudFrames;
  await waitUntil(() => farEnd.received.loudFrames > loudBefore + 20, 'the caller hears the agent');
  // The first seconds settle the jitter buffer and the sender's loss estimate (libwebrtc turns FEC on from RTCP).
  await new Promise((r) => setTimeout(r, 3000));
  const before = await farEnd.audioStats();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return heardBetween(before, await farEnd.audioStats(), fecInAnswer);
}

/** A bare Chromium page answering the caller with a plain RTCPeerConnection: no desk, no relay, no Janus. */
async function bareCall(page: Page, network: Impairment, seconds: number): Promise<HeardUnderLoss> {
  const farEnd = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress(), network });
  try {
    const lines = farEnd.offerSdp.split('\r\n');
    const sdp = await page.evaluate(
      async ({ offer, candidates }) => {
        const pc = new RTCPeerConnection({ iceServers: [] });
        (window as unknown as { __pc: RTCPeerConnection }).__pc = pc;
        await pc.setRemoteDescription({ type: 'offer', sdp: offer });
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        const transceiver = pc.getTransceivers()[0]!;
        transceiver.direction = 'sendrecv';
        await transceiver.sender.replaceTrack(stream.getAudioTracks()[0]!);
        await pc.setLocalDescription(await pc.createAnswer());
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 2000);
          pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && (clearTimeout(timer), resolve());
        });
        for (const candidate of candidates) await pc.addIceCandidate({ candidate, sdpMLineIndex: 0 });
        return pc.localDescription!.sdp;
      },
      {
        offer: lines.filter((l) => !l.startsWith('a=candidate:')).join('\r\n'),
        candidates: lines.filter((l) => l.startsWith('a=candidate:')).map((l) => l.slice(2)),
      },
    );
    await farEnd.applyAnswer(sdp);
    return await measure(farEnd, seconds, opusFec(sdp));
  } finally {
    farEnd.close();
    await page.evaluate(() => (window as unknown as { __pc: RTCPeerConnection }).__pc.close());
  }
}

/** The desk answers a call through the team relay (direct media, or anchored on Janus), measured at the caller. */
async function deskCall(sim: WhatsAppSim, page: Page, network: Impairment, seconds: number): Promise<HeardUnderLoss> {
  const call = await sim.placeCall({
    name: 'Lossy line',
    farEnd: { toneHz: 440, edgeHost: mediaHostAddress(), network },
  });
  try {
    await page
      .locator('[data-testid="answer"]:enabled')
      .click({ timeout: 15_000 })
      .catch(async (error: unknown) => {
        console.error((await page.locator('body').innerText()).slice(0, 1500));
        throw error;
      });
    await waitUntil(() => sim.graph.actionsFor(call.callId).includes('accept:200'), 'the accept');
    const accept = sim.graph.requests.find(
      (r) => JSON.stringify(r.body ?? '').includes(call.callId) && JSON.stringify(r.body).includes('"accept"'),
    );
    const answer = (accept?.body as { session?: { sdp?: string } } | undefined)?.session?.sdp ?? '';
    return await measure(call.farEnd, seconds, opusFec(answer));
  } finally {
    await page
      .getByTestId('hangup')
      .click({ timeout: 5000 })
      .catch(() => undefined);
    const save = page.getByTestId('wrap-up-save');
    await save.waitFor({ timeout: 5000 }).catch(() => undefined);
    if (await save.isVisible()) {
      await page.locator('[data-testid^="wrap-up-outcome-"]').first().check();
      await save.click();
      await save.waitFor({ state: 'detached' });
    }
    call.farEnd.close();
  }
}

/**
 * Audio under loss: 3 % and 8 % of RTP packets lost and 40 ms of jitter between the caller (WhatsApp's edge in the
 * simulator) and the agent, both ways. What the caller hears of the agent, on direct and anchored calls through the
 * desk, beside a bare Chromium page answering the same caller in the same run.
 */
export async function benchLoss(seconds = 20, losses = [3, 8], rounds = 3) {
  const logger = createLogger({ level: 'error' });
  const [redis, janus] = await Promise.all([startTestRedis(), startTestJanus()]);
  const sim = await startWhatsAppSim({ ...SIM_SECRETS });
  const team = (media: 'direct' | 'anchored') =>
    startRelay({
      ...SIM_SECRETS,
      agentSecret: AGENT_SECRET,
      redisUrl: redis.url,
      graphBaseUrl: sim.graphBaseUrl,
      logger,
      prefix: `loss-${media}`,
      janusUrls: [janus.url],
      janusAccess: janus.access,
      queues: TeamQueues.parse({
        defaultQueue: 'q',
        repeatCallerMinutes: 0,
        queues: [{ id: 'q', name: media, media, ringSeconds: 60, agents: { asha: 9 } }],
      }),
    });
  const relays = { direct: await team('direct'), anchored: await team('anchored') };
  let browser: Browser | undefined;
  let bareServer: Server | undefined;
  const desks: Array<{ close(): Promise<void> }> = [];
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const page = async () => {
      const p = await (await browser!.newContext()).newPage();
      await p.addInitScript('window.__name = (fn) => fn');
      await giveVoiceAndEars(p, VOICE);
      await speakLikeAPerson(p);
      return p;
    };
    // A page of its own on loopback (a secure context, so it has a microphone), with nothing of the desk in it.
    bareServer = createServer((_req, res) => res.end('<!doctype html><title>bare</title>'));
    await new Promise<void>((resolve) => bareServer!.listen(0, '127.0.0.1', resolve));
    const bare = await page();
    await bare.goto(`http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/`);
    const asha = { direct: await page(), anchored: await page() };
    for (const media of ['direct', 'anchored'] as const)
      desks.push(await openDesk(asha[media], 'asha', [relays[media].agentUrl]));
    const calls: Array<{ lossPct: number; path: LossPath; heard: HeardUnderLoss }> = [];
    // Rounds alternate the three paths, so a busy moment of the machine falls on each alike.
    for (let round = 0; round < rounds; round += 1)
      for (const lossPct of losses) {
        const network: Impairment = { lossPct, jitterMs: 40 };
        calls.push({ lossPct, path: 'bare', heard: await bareCall(bare, network, seconds) });
        for (const media of ['direct', 'anchored'] as const) {
          sim.setWebhookUrl(relays[media].webhookUrl);
          calls.push({ lossPct, path: media, heard: await deskCall(sim, asha[media], network, seconds) });
        }
      }
    const results = losses.flatMap((lossPct) =>
      (['bare', 'direct', 'anchored'] as const).map((path) => {
        const mine = calls.filter((c) => c.lossPct === lossPct && c.path === path).map((c) => c.heard);
        return { lossPct, path, heard: medianOf(mine) };
      }),
    );
    return { seconds, rounds, results };
  } finally {
    for (const desk of desks) await desk.close().catch(() => undefined);
    await browser?.close();
    bareServer?.close();
    await relays.direct.close();
    await relays.anchored.close();
    await sim.close();
    await janus.stop();
    await redis.stop();
  }
}
