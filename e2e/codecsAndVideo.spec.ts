import { expect, test } from './phoneFixture';
import type { FarEndOptions } from '../sim/farEnd';

/**
 * Offers Meta may send (Configure Call Settings, March 2026: PCMA/PCMU beside or instead of Opus once the operator
 * adds them; Calling overview: video calls planned): the agent answers as always, the caller hears the agent's voice
 * on real WebRTC (libwebrtc far end), and what reaches WhatsApp passes the simulator's own answer rules.
 */
const CASES: Array<[string, FarEndOptions, RegExp]> = [
  ['PCMU instead of Opus', { codecs: ['PCMU'] }, /^m=audio \d+ UDP\/TLS\/RTP\/SAVPF 0( 126)?\r?$/m],
  ['PCMA beside Opus', { codecs: ['PCMA', 'opus'] }, /^a=rtpmap:\d+ opus\/48000\/2\r?$/m],
  ['audio and video', { offerVideo: true }, /^m=video 0 /m],
];

for (const [name, farEnd, answered] of CASES) {
  test(`the agent answers a WhatsApp call offering ${name}, and the caller hears them`, async ({ phone }) => {
    const { page, sim } = phone;
    const call = await sim.placeCall({ name: `Caller ${name}`, farEnd });
    await page.getByTestId('answer').click();
    await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await expect.poll(() => call.farEnd.received.loudFrames, { timeout: 10_000 }).toBeGreaterThan(20);
    const preAccept = sim.graph.requests.find(
      (r) => (r.body as { action?: string; call_id?: string } | undefined)?.call_id === call.callId,
    );
    expect(preAccept?.status).toBe(200);
    expect((preAccept?.body as { session: { sdp: string } }).session.sdp).toMatch(answered);
    expect(sim.graph.calls.get(call.callId)?.state).toBe('accepted');
  });
}
