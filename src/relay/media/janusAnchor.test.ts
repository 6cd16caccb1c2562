import { describe, expect, it } from 'vitest';
import { loadSdpFixture } from '../../../fixtures/load';
import { answerRuleViolations } from '../../../sim/answerRules';
import { createFarEnd, heardTone, recentPitch } from '../../../sim/farEnd';
import { anchorMismatch, janusOfferAsWhatsappAnswer } from './anchorSdp';
import { holdMusicFile, mediaHostAddress } from './testJanus';
import { useTestJanusAnchor } from './testJanusAnchor';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wavTones } from '../../../sim/toneLevel';
import { HEARD, SILENT } from './testAudioLevels';
import { createTonePeer } from './testTonePeer';

const janus = useTestJanusAnchor();

/** The caller's and a desk's legs joined to the room, until the caller hears the desk's 300 Hz. */
async function callerAndDeskTalking(
  room: number,
  caller: Awaited<ReturnType<typeof createFarEnd>>,
  desk: ReturnType<typeof createTonePeer>,
) {
  const customer = await janus.anchor.joinCustomer(room, caller.offerSdp);
  await caller.applyAnswer(customer.answer);
  const agent = await janus.anchor.joinAgent(room, await desk.offer(), 'asha');
  await desk.applyAnswer(agent.answer);
  await expect.poll(() => heardTone(caller.received, 300), { timeout: 12_000 }).toBeGreaterThan(HEARD);
  return { customer, agent };
}

describe('media anchored on Janus AudioBridge', () => {
  it('answers WhatsApp’s offer within Meta’s rules, and the ICE-lite caller and a desk hear each other through the room', async () => {
    const room = await janus.anchor.openRoom(janus.nextRoom());
    const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
    const desk = createTonePeer(300);
    try {
      const customer = await janus.anchor.joinCustomer(room, caller.offerSdp);
      expect(answerRuleViolations(customer.answer, caller.offerSdp)).toEqual([]);
      expect(customer.answer).not.toMatch(/a=extmap|a=ice-options|a=ice-lite/);
      await caller.applyAnswer(customer.answer);
      const agent = await janus.anchor.joinAgent(room, await desk.offer(), 'asha');
      await desk.applyAnswer(agent.answer);

      // The caller's 440 Hz reaches the desk, and the desk's 300 Hz reaches the caller, through Janus's mixer.
      await expect.poll(() => desk.heard(440), { timeout: 12_000, interval: 200 }).toBeGreaterThan(HEARD);
      await expect.poll(() => desk.heard(300), { timeout: 3000 }).toBeLessThan(SILENT);
      // The pitch of the last readings settles on the desk's tone (a reading taken as the audio starts may not).
      const isDesk = () => {
        const hz = recentPitch(caller.received) ?? 0;
        return hz > 270 && hz < 330;
      };
      await expect.poll(isDesk, { timeout: 12_000, interval: 200 }).toBe(true);
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
      await janus.anchor.closeRoom(room);
    }
  }, 40_000);

  it('moves the customer to a hold room where Janus plays the music, and back, on the same WebRTC connection', async () => {
    const room = await janus.anchor.openRoom(janus.nextRoom());
    const hold = janus.nextRoom();
    const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
    const desk = createTonePeer(300);
    try {
      const { customer } = await callerAndDeskTalking(room, caller, desk);

      await janus.anchor.openHoldRoom(hold, holdMusicFile(600));
      await customer.leg.moveTo!(hold);
      // The caller hears the music and not the agent; the agent no longer hears the caller.
      await expect.poll(() => heardTone(caller.received, 600), { timeout: 5000 }).toBeGreaterThan(HEARD);
      await expect.poll(() => heardTone(caller.received, 300), { timeout: 3000 }).toBeLessThan(SILENT);
      await expect.poll(() => desk.heard(440), { timeout: 5000 }).toBeLessThan(SILENT);

      await customer.leg.moveTo!(room);
      await janus.anchor.closeRoom(hold);
      await expect.poll(() => heardTone(caller.received, 300), { timeout: 5000 }).toBeGreaterThan(HEARD);
      await expect.poll(() => heardTone(caller.received, 600), { timeout: 3000 }).toBeLessThan(SILENT);
      await expect.poll(() => desk.heard(440), { timeout: 5000 }).toBeGreaterThan(HEARD);
      expect(caller.connectionState).toBe('connected');
    } finally {
      caller.close();
      desk.close();
      await janus.anchor.closeRoom(room);
      await janus.anchor.closeRoom(hold);
    }
  }, 40_000);

  it('records the room after playing the consent notice to the customer: the WAV starts with the notice, then both voices', async () => {
    const room = await janus.anchor.openRoom(janus.nextRoom());
    const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
    const desk = createTonePeer(300);
    const dir = mkdtempSync(join(tmpdir(), 'room-recordings-'));
    try {
      await callerAndDeskTalking(room, caller, desk);
      await janus.anchor.recordRoom(room, dir, 'call.wav', holdMusicFile(900, 1));
      // The customer hears the notice.
      await expect.poll(() => heardTone(caller.received, 900), { timeout: 5000 }).toBeGreaterThan(0.02);
      await new Promise((r) => setTimeout(r, 2500));
      await janus.anchor.closeRoom(room);
      await expect.poll(() => existsSync(join(dir, 'call.wav')), { timeout: 5000 }).toBe(true);
      const wav = wavTones(readFileSync(join(dir, 'call.wav')));
      expect(wav.level(0.3, 900)).toBeGreaterThan(0.02);
      const end = wav.seconds - 0.5;
      expect(wav.level(end, 440)).toBeGreaterThan(0.02);
      expect(wav.level(end, 300)).toBeGreaterThan(0.02);
    } finally {
      caller.close();
      desk.close();
      await janus.anchor.closeRoom(room);
    }
  }, 40_000);

  it('tells a leg staying in the room when a kicked leg is out of it (leaving), once Janus lists it no more', async () => {
    const room = await janus.anchor.openRoom(janus.nextRoom());
    const staying = createTonePeer(300);
    const kicked = createTonePeer(500);
    try {
      const stay = await janus.anchor.offerLeg(room, 'asha');
      await janus.anchor.answerLeg(stay.handle, await staying.answer(stay.offer));
      const go = await janus.anchor.offerLeg(room, 'ben');
      await janus.anchor.answerLeg(go.handle, await kicked.answer(go.offer));
      await expect.poll(() => staying.heard(500), { timeout: 12_000 }).toBeGreaterThan(HEARD);
      const [stays, goes] = [stay.handle.feed!, go.handle.feed!];
      const leaving = janus.anchor.watchLeaving(stay.handle, room);
      expect(await janus.anchor.kickAllBut(room, [stays])).toEqual([goes]);
      // Janus closes a kicked leg's media on a whole-second timer: the word comes when it is out, 0-1 s later.
      await expect.poll(() => leaving.has(goes), { timeout: 3000 }).toBe(true);
      expect(await janus.anchor.participantsOf(room)).toEqual([stays]);
      leaving.stop();
    } finally {
      staying.close();
      kicked.close();
      await janus.anchor.closeRoom(room);
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
