import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerRuleViolations } from '../../../sim/answerRules';
import { createFarEnd, heardTone } from '../../../sim/farEnd';
import { connectJanusAnchor, type JanusAnchor } from './janusAnchor';
import { mediaHostAddress, startTestJanus, type TestJanus } from './testJanus';
import { createTonePeer } from './testTonePeer';

/**
 * Issue 27 on the relay's anchored path: WhatsApp's offer with audio and a video line (video calls are planned in
 * Meta's Calling overview) is answered through Janus for audio, the video line declined (port 0, RFC 3264), and the
 * libwebrtc caller and a desk hear each other through the room.
 */
let janus: TestJanus;
let anchor: JanusAnchor;

beforeAll(async () => {
  janus = await startTestJanus();
  anchor = await connectJanusAnchor(janus.url, janus.access);
}, 30_000);
afterAll(async () => {
  await anchor?.close();
  await janus?.stop();
});

describe('an anchored call offered with audio and video', () => {
  it('is answered for audio with the video line declined, within the simulator’s rules, and both sides hear', async () => {
    const room = await anchor.openRoom(2700);
    const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress(), offerVideo: true });
    const desk = createTonePeer(300);
    try {
      expect(caller.offerSdp).toMatch(/^m=video 9 /m);
      const customer = await anchor.joinCustomer(room, caller.offerSdp);
      expect(answerRuleViolations(customer.answer, caller.offerSdp)).toEqual([]);
      expect(customer.answer).toMatch(/^m=video 0 UDP\/TLS\/RTP\/SAVPF 96\r\n/m);
      expect(customer.answer.match(/^a=fingerprint:/gm)).toHaveLength(1);
      await caller.applyAnswer(customer.answer);
      const agent = await anchor.joinAgent(room, await desk.offer(), 'asha');
      await desk.applyAnswer(agent.answer);
      await expect.poll(() => desk.heard(440), { timeout: 12_000, interval: 200 }).toBeGreaterThan(0.05);
      await expect.poll(() => heardTone(caller.received, 300), { timeout: 12_000 }).toBeGreaterThan(0.05);
    } finally {
      caller.close();
      desk.close();
    }
  }, 60_000);
});
