import { Redis } from 'ioredis';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../../../sim/webhookSender';
import type { GraphApiSim } from '../../../sim/graphApiSim';
import type { CallSignal } from '../../shared/callSignals';
import type { JanusAccess } from '../media/janusAccess';
import { roomParticipants } from '../media/testRoomParticipants';
import { createTonePeer } from '../media/testTonePeer';
import type { connectTestAgent } from '../testAgent';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { deploymentKeyPrefix } from '../relayKeys';

/** Test support for the bot tests: a call coming in, what reached Meta, the room's legs, the bot's requests. */

/** Waits for `check`, polling every 20 ms; throws naming `what` after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 8000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what} not met in time`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Offered = Extract<CallSignal, { type: 'call_offered' }>;
/** The ring this call gave a desk, if it rang there. */
export const offeredTo = (events: CallSignal[], callId: string) =>
  events.find((e): e is Offered => e.type === 'call_offered' && e.callId === callId);

/** WhatsApp calls in: Meta's simulator knows the call, and its signed connect webhook reaches the relay. */
export async function callIn(
  to: { graph: GraphApiSim; relay: { webhookUrl: string } },
  callId: string,
  caller: { offerSdp: string },
  options: { from?: string; ctaPayload?: string } = {},
): Promise<void> {
  to.graph.offerCall(callId);
  const body = connectWebhook({
    callId,
    from: options.from ?? '447700900555',
    phoneNumberId: RELAY_TEST_SECRETS.phoneNumberId,
    sdpOffer: caller.offerSdp,
    ...(options.ctaPayload !== undefined && { ctaPayload: options.ctaPayload }),
  });
  const status = (await postSignedWebhook(to.relay.webhookUrl, body, RELAY_TEST_SECRETS.appSecret)).status;
  if (status !== 200) throw new Error(`the relay answered the connect webhook ${status}`);
}

/** Meta's terminate webhook for a call (after the business or the customer ended it). */
export async function callEndedAtMeta(webhookUrl: string, callId: string, from = '447700900555'): Promise<void> {
  const body = terminateWebhook({
    callId,
    from,
    phoneNumberId: RELAY_TEST_SECRETS.phoneNumberId,
    status: 'COMPLETED',
    durationSec: 5,
  });
  const status = (await postSignedWebhook(webhookUrl, body, RELAY_TEST_SECRETS.appSecret)).status;
  if (status !== 200) throw new Error(`the relay answered the terminate webhook ${status}`);
}

/** The answer Meta received in pre_accept for this call, as WhatsApp would give it to the caller. */
export function answerSentToMeta(graph: GraphApiSim, callId: string): string | undefined {
  const sent = graph.requests.find((r) => {
    const text = JSON.stringify(r.body ?? '');
    return text.includes('pre_accept') && text.includes(callId);
  })?.body as { session: { sdp: string } } | undefined;
  return sent?.session.sdp;
}

/** The legs of a call's room on Janus, by display name, as Janus lists them (`prefix`: the relay's RELAY_PREFIX). */
export async function legsOf(redisUrl: string, prefix: string, access: JanusAccess, callId: string): Promise<string[]> {
  const redis = new Redis(redisUrl);
  try {
    const place = JSON.parse((await redis.get(`${deploymentKeyPrefix(prefix)}:anchor:${callId}`)) ?? 'null') as {
      url: string;
      room: number;
    } | null;
    return place ? await roomParticipants(place.url, access, place.room) : [];
  } finally {
    redis.disconnect();
  }
}

/** The agent answers a ringing call with a tone peer as their desk. */
export async function answerAs(
  agent: Awaited<ReturnType<typeof connectTestAgent>>,
  callId: string,
  toneHz: number,
): Promise<ReturnType<typeof createTonePeer>> {
  const offered = offeredTo(agent.events, callId);
  if (!offered) throw new Error(`${callId} did not ring at this desk`);
  const desk = createTonePeer(toneHz);
  const answer = await desk.answer(offered.sdpOffer);
  await agent.client.request('pre_accept', { callId, sdp: answer });
  await agent.client.request('accept', { callId, sdp: answer });
  return desk;
}

/** A bot's request to the relay's agent port (`/bot/escalate`, `/bot/end`), with its bearer token. */
export const botPost = (agentUrl: string, path: 'escalate' | 'end', token: string, body: unknown) =>
  fetch(`${agentUrl.replace(/^ws/, 'http')}bot/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** The handle the relay gave the bot for its latest call (what it names the call by). */
export const handleOf = (bot: { offers: Array<{ body: Record<string, unknown> }> }) =>
  (bot.offers.at(-1)!.body.request_data as { call: string }).call;

/** One Prometheus sample from a relay's /metrics (0 when absent). */
export async function metricValue(agentUrl: string, series: string): Promise<number> {
  const text = await (await fetch(`${agentUrl.replace(/^ws/, 'http')}metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
