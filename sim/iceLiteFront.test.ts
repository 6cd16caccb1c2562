import wrtc from '@roamhq/wrtc';
import { afterEach, describe, expect, it } from 'vitest';
import { createFarEnd, type FarEnd } from './farEnd';

const { RTCPeerConnection, nonstandard } = wrtc;

type Peer = InstanceType<typeof RTCPeerConnection>;
const opened: { close(): void }[] = [];
afterEach(() => opened.splice(0).forEach((p) => p.close()));

/** A stand-in for the app: answers the offer like a browser would, sending a tone back. */
async function appAnswering(offerSdp: string): Promise<{ pc: Peer; answer: string }> {
  const pc = new RTCPeerConnection({ iceServers: [] });
  const source = new nonstandard.RTCAudioSource();
  pc.addTrack(source.createTrack());
  const pump = setInterval(() => {
    const samples = new Int16Array(480).map((_, i) => Math.round(Math.sin(i / 5) * 12000));
    source.onData({ samples, sampleRate: 48_000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 });
  }, 10);
  opened.push({ close: () => (clearInterval(pump), pc.close()) });
  await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  await new Promise((r) => setTimeout(r, 300));
  return { pc, answer: pc.localDescription!.sdp.replace('a=setup:actpass', 'a=setup:active') };
}

async function track(farEnd: FarEnd): Promise<FarEnd> {
  opened.push(farEnd);
  return farEnd;
}

const waitFor = async (check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
};

describe('WhatsApp ICE-lite edge in the simulator', () => {
  it("offers as Meta does: ICE-lite, mid audio, one candidate on the edge, the caller's own DTLS fingerprint", async () => {
    const farEnd = await track(await createFarEnd({ toneHz: 0 }));
    expect(farEnd.offerSdp).toMatch(/\r\na=ice-lite\r\n/);
    expect(farEnd.offerSdp).toMatch(/\r\na=mid:audio\r\n/);
    expect(farEnd.offerSdp).toMatch(/\r\na=group:BUNDLE audio\r\n/);
    expect(farEnd.offerSdp.match(/^a=candidate:/gm)).toHaveLength(1);
    expect(farEnd.offerSdp).toMatch(/^a=fingerprint:sha-256 /m);
  });

  it('delays each packet by its own random share of the jitter asked, as the caller’s receiver measures it', async () => {
    const measuredJitter = async (jitterMs: number) => {
      const farEnd = await track(await createFarEnd({ network: { jitterMs } }));
      const { answer } = await appAnswering(farEnd.offerSdp);
      await farEnd.applyAnswer(answer);
      await waitFor(async () => (await farEnd.inboundPackets()) > 100, 10_000);
      // The receiver's estimate is smoothed over ~16 packets and skips packets that arrive out of order, so one
      // reading swings by several ms: the mean of readings a few packets apart is what the caller lived with.
      const readings: number[] = [];
      for (let i = 0; i < 15; i += 1) {
        readings.push((await farEnd.audioStats()).jitterMs);
        await new Promise((r) => setTimeout(r, 200));
      }
      return readings.reduce((a, b) => a + b, 0) / readings.length;
    };
    // RFC 3550's interarrival jitter of delays spread evenly over 0..40 ms is about 13 ms (less as the receiver skips
    // reordered packets); on time, a few ms at most on an idle machine, more on a busy one (timers fire late): the
    // jitter asked must show above that floor.
    const onTime = await measuredJitter(0);
    const jittered = await measuredJitter(40);
    expect(jittered, `jitter 0..40 ms measured ${jittered} ms, none asked ${onTime} ms`).toBeGreaterThan(
      Math.max(7, onTime + 3),
    );
    // Two calls, each given up to 10 s to bring its packets.
  }, 45_000);

  it('gives media to an app that takes the controlling role and nominates', async () => {
    const farEnd = await track(await createFarEnd());
    const { answer } = await appAnswering(farEnd.offerSdp);
    await farEnd.applyAnswer(answer);
    expect(await waitFor(async () => (await farEnd.inboundPackets()) > 20, 8000)).toBe(true);
    expect(farEnd.ice.nominated).toBe(true);
    expect(farEnd.ice.checksAnswered).toBeGreaterThan(0);
    expect(farEnd.ice.roleConflicts).toBe(0);
  });

  it("answers checks only once WhatsApp has the app's answer, and only with that answer's username", async () => {
    const farEnd = await track(await createFarEnd());
    // Two desks answer the same offer and start their checks at once; WhatsApp is given only the first answer.
    const chosen = await appAnswering(farEnd.offerSdp);
    const other = await appAnswering(farEnd.offerSdp);
    expect(farEnd.ice.checksBeforeAnswer).toBeGreaterThan(0);
    expect(farEnd.ice.checksAnswered).toBe(0);
    await farEnd.applyAnswer(chosen.answer);
    expect(await waitFor(async () => (await farEnd.inboundPackets()) > 20, 8000)).toBe(true);
    expect(farEnd.ice.refusedChecks).toBeGreaterThan(0);
    expect(other.pc.connectionState).not.toBe('connected');
    expect(chosen.pc.connectionState).toBe('connected');
  });

  it('gives no media to an app that wrongly takes the controlled role (it waits for a nomination that never comes)', async () => {
    const farEnd = await track(await createFarEnd());
    // Without a=ice-lite the answering peer believes the caller is a full agent and controlling.
    const { answer } = await appAnswering(farEnd.offerSdp.replace('a=ice-lite\r\n', ''));
    await farEnd.applyAnswer(answer);
    await new Promise((r) => setTimeout(r, 4000));
    expect(farEnd.ice.roleConflicts).toBeGreaterThan(0);
    expect(farEnd.ice.nominated).toBe(false);
    expect(await farEnd.inboundPackets()).toBe(0);
  });
});
