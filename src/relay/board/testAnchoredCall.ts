import { createFarEnd } from '../../../sim/farEnd';
import type { Impairment } from '../../../sim/iceLiteFront';
import type { GraphApiSim } from '../../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook } from '../../../sim/webhookSender';
import { mediaHostAddress } from '../media/testJanus';
import { createTonePeer } from '../media/testTonePeer';
import type { Relay } from '../relayServer';
import type { connectTestAgent } from '../testAgent';
import { RELAY_TEST_SECRETS } from '../testSecrets';

async function until(check: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * An anchored call answered through the relay as WhatsApp and a desk would: WhatsApp's offer (a libwebrtc caller
 * speaking 440 Hz) goes to the relay, the desk (a tone peer speaking 300 Hz) answers the media server's offer for its
 * leg, and the caller gets the answer Meta received in pre_accept. Both are then in the call's room on Janus.
 */
export async function answerAnchoredCall(call: {
  relay: Relay;
  graph: GraphApiSim;
  desk: Awaited<ReturnType<typeof connectTestAgent>>;
  callId: string;
  from: string;
  ctaPayload?: string;
  /** Loss and jitter between WhatsApp's edge and Janus. */
  network?: Impairment;
  /** The desk talks like a person instead of speaking 300 Hz. */
  speech?: boolean;
}) {
  const { relay, graph, desk, callId } = call;
  const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress(), network: call.network });
  const peer = createTonePeer(300, { speech: call.speech });
  graph.offerCall(callId);
  const body = connectWebhook({
    callId,
    from: call.from,
    phoneNumberId: RELAY_TEST_SECRETS.phoneNumberId,
    sdpOffer: caller.offerSdp,
    ctaPayload: call.ctaPayload,
  });
  await postSignedWebhook(relay.webhookUrl, body, RELAY_TEST_SECRETS.appSecret);
  await until(() => desk.events.some((e) => e.type === 'call_offered' && e.callId === callId), `${callId} rings`);
  const offered = desk.events.find((e) => e.type === 'call_offered' && e.callId === callId);
  const answer = await peer.answer(offered?.type === 'call_offered' ? offered.sdpOffer : '');
  await desk.client.request('pre_accept', { callId, sdp: answer });
  await desk.client.request('accept', { callId, sdp: answer });
  const sent = graph.requests.find((r) => {
    const text = JSON.stringify(r.body ?? '');
    return text.includes('pre_accept') && text.includes(callId);
  })?.body as { session: { sdp: string } };
  await caller.applyAnswer(sent.session.sdp);
  return {
    caller,
    peer,
    close(): void {
      caller.close();
      peer.close();
    },
  };
}
