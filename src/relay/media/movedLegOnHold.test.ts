import { describe, expect, it } from 'vitest';
import { createFarEnd, heardTone } from '../../../sim/farEnd';
import { holdMusicFile, mediaHostAddress } from './testJanus';
import { useTestJanusAnchor } from './testJanusAnchor';
import { HEARD, SILENT } from './testAudioLevels';
import { createTonePeer } from './testTonePeer';

const janus = useTestJanusAnchor();

/** Every reading of `level` over `ms`, one each 20 ms. */
async function readings(level: () => number, ms: number): Promise<number[]> {
  const read: number[] = [];
  for (const end = Date.now() + ms; Date.now() < end;) {
    read.push(level());
    await new Promise((r) => setTimeout(r, 20));
  }
  return read;
}

/**
 * A desk's leg (300 Hz) offered in a room of its own moves into the call's room by changeroom (its media up there
 * first, or still to start), the customer (440 Hz) joins and they talk; then the customer moves to a hold room with
 * the music (600 Hz). What the held customer and the desk hear then, read from 200 ms after the music is heard (the
 * caller's 100 ms of audio then holds only the hold room's).
 */
async function heldAfterMove(mediaFirst: boolean) {
  const room = await janus.anchor.openRoom(janus.nextRoom());
  const lobby = await janus.anchor.openRoom(janus.nextRoom());
  const hold = janus.nextRoom();
  const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
  const desk = createTonePeer(300);
  try {
    const { handle, offer } = await janus.anchor.offerLeg(lobby, 'asha');
    const answer = await desk.answer(offer);
    if (mediaFirst) {
      await janus.anchor.answerLeg(handle, answer);
      await expect.poll(() => desk.connected(), { timeout: 10_000 }).toBe(true);
      await janus.anchor.moveLeg(handle, room);
    } else {
      await janus.anchor.moveLeg(handle, room);
      await janus.anchor.answerLeg(handle, answer);
    }
    await janus.anchor.closeRoom(lobby);
    const customer = await janus.anchor.joinCustomer(room, caller.offerSdp);
    await caller.applyAnswer(customer.answer);
    await expect.poll(() => heardTone(caller.received, 300), { timeout: 12_000 }).toBeGreaterThan(HEARD);
    await expect.poll(() => desk.heard(440), { timeout: 12_000 }).toBeGreaterThan(HEARD);

    await janus.anchor.openHoldRoom(hold, holdMusicFile(600));
    await customer.leg.moveTo!(hold);
    await expect.poll(() => heardTone(caller.received, 600), { timeout: 5000 }).toBeGreaterThan(HEARD);
    await new Promise((r) => setTimeout(r, 200));
    const [callerHearsDesk, deskHearsCaller, callerHearsMusic] = await Promise.all([
      readings(() => heardTone(caller.received, 300), 3000),
      readings(() => desk.heard(440), 3000),
      readings(() => heardTone(caller.received, 600), 3000),
    ]);
    return { callerHearsDesk, deskHearsCaller, callerHearsMusic };
  } finally {
    caller.close();
    desk.close();
    for (const r of [room, lobby, hold]) await janus.anchor.closeRoom(r);
  }
}

describe('a desk’s leg moved from a room of its own into the call’s room (AudioBridge changeroom)', () => {
  for (const [mediaFirst, how] of [
    [true, 'its media up before the move'],
    [false, 'moved before its media started'],
  ] as const)
    it(`${how}: the customer moved to a hold room hears the music and nothing of the desk, nor the desk the customer`, async () => {
      const heard = await heldAfterMove(mediaFirst);
      expect(Math.max(...heard.callerHearsDesk)).toBeLessThan(SILENT);
      expect(Math.max(...heard.deskHearsCaller)).toBeLessThan(SILENT);
      const music = [...heard.callerHearsMusic].sort((x, y) => x - y);
      expect(music[Math.floor(music.length / 2)]).toBeGreaterThan(HEARD);
    }, 60_000);
});
