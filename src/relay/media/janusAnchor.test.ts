import wrtc from '@roamhq/wrtc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSdpFixture } from '../../../fixtures/load';
import { answerRuleViolations } from '../../../sim/answerRules';
import { createFarEnd, recentPitch } from '../../../sim/farEnd';
import { anchorMismatch, janusOfferAsWhatsappAnswer } from './anchorSdp';
import { connectJanusAnchor, type JanusAnchor } from './janusAnchor';
import { mediaHostAddress, startTestJanus, type TestJanus } from './testJanus';

const { RTCPeerConnection, nonstandard } = wrtc;

/** An agent's desk reduced to a full-ICE libwebrtc peer that speaks a tone and measures what it hears. */
async function deskPeer(toneHz: number) {
  const pc = new RTCPeerConnection({ iceServers: [] });
  const source = new nonstandard.RTCAudioSource();
  const track = source.createTrack();
  pc.addTrack(track);
  const heard: number[] = [];
  let sink: InstanceType<typeof nonstandard.RTCAudioSink> | undefined;
  pc.ontrack = (event: { track: unknown }) => {
    sink = new nonstandard.RTCAudioSink(event.track as never);
    sink.ondata = (data: { samples: Int16Array; sampleRate?: number }) => {
      let sum = 0;
      let crossings = 0;
      for (let i = 0; i < data.samples.length; i += 1) {
        sum += (data.samples[i]! / 32768) ** 2;
        if (i > 0 && data.samples[i - 1]! < 0 !== data.samples[i]! < 0) crossings += 1;
      }
      if (Math.sqrt(sum / data.samples.length) > 0.01)
        heard.push((crossings / 2) * ((data.sampleRate ?? 48_000) / data.samples.length));
      if (heard.length > 200) heard.splice(0, 100);
    };
  };
  const started = Date.now();
  let sent = 0;
  const pump = setInterval(() => {
    const due = Math.floor(((Date.now() - started) * 48_000) / 1000 / 480);
    for (; sent < due; sent += 1) {
      const samples = new Int16Array(480);
      for (let i = 0; i < 480; i += 1)
        samples[i] = Math.round(Math.sin((2 * Math.PI * toneHz * (sent * 480 + i)) / 48_000) * 0.4 * 32767);
      source.onData({ samples, sampleRate: 48_000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 });
    }
  }, 10);
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 3000);
    pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && (clearTimeout(timer), resolve());
  });
  return {
    offer: pc.localDescription!.sdp,
    async applyAnswer(sdp: string) {
      await pc.setRemoteDescription({ type: 'answer', sdp });
    },
    pitch: () => [...heard.slice(-25)].sort((a, b) => a - b)[12],
    close() {
      clearInterval(pump);
      sink?.stop();
      track.stop();
      pc.close();
    },
  };
}

let janus: TestJanus;
let anchor: JanusAnchor;
let roomNo = 1000;

beforeAll(async () => {
  janus = await startTestJanus();
  anchor = await connectJanusAnchor(janus.url);
}, 30_000);
afterAll(async () => {
  await anchor?.close();
  await janus?.stop();
});

describe('media anchored on Janus AudioBridge', () => {
  it('answers WhatsApp’s offer within Meta’s rules, and the ICE-lite caller and a desk hear each other through the room', async () => {
    const room = await anchor.openRoom((roomNo += 1));
    const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
    const desk = await deskPeer(300);
    try {
      const customer = await anchor.joinCustomer(room, caller.offerSdp);
      expect(answerRuleViolations(customer.answer, caller.offerSdp)).toEqual([]);
      expect(customer.answer).not.toMatch(/a=extmap|a=ice-options|a=ice-lite/);
      await caller.applyAnswer(customer.answer);
      const agent = await anchor.joinAgent(room, desk.offer, 'asha');
      await desk.applyAnswer(agent.answer);

      // The caller's 440 Hz reaches the desk, and the desk's 300 Hz reaches the caller, through Janus's mixer.
      await expect.poll(() => desk.pitch() ?? 0, { timeout: 12_000, interval: 200 }).toBeGreaterThan(400);
      expect(desk.pitch()).toBeLessThan(480);
      await expect
        .poll(() => recentPitch(caller.received) ?? 0, { timeout: 12_000, interval: 200 })
        .toBeGreaterThan(270);
      expect(recentPitch(caller.received)).toBeLessThan(330);
      // Janus nominated toward the lite edge, as WhatsApp's servers need.
      expect(caller.ice.nominated).toBe(true);

      // Muted (a supervisor listening in), the desk is no longer heard by the caller.
      await agent.leg.mute(true);
      const before = caller.received.loudFrames;
      await new Promise((r) => setTimeout(r, 1500));
      const during = caller.received.loudFrames - before;
      await agent.leg.mute(false);
      expect(during).toBeLessThan(40);
      await agent.leg.leave();
      await customer.leg.leave();
    } finally {
      caller.close();
      desk.close();
      await anchor.closeRoom(room);
    }
  }, 40_000);

  it('refuses to anchor what it cannot answer by Meta’s rules, with the reason', () => {
    const whatsapp = loadSdpFixture('10-live-connect-offer-2025-10-17.sdp');
    const janusWith96 =
      'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 opus/48000/2\r\n';
    expect(anchorMismatch(whatsapp, janusWith96)).toMatch(/Opus payload types differ/);
    expect(() => janusOfferAsWhatsappAnswer(janusWith96, whatsapp)).toThrow(/payload types differ/);
  });
});
