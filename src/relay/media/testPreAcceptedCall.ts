import { expect } from 'vitest';
import { createFarEnd, heardTone } from '../../../sim/farEnd';
import type { GraphApiSim } from '../../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook } from '../../../sim/webhookSender';
import { offeredTo, until } from '../bots/testBotCall';
import { connectTestAgent } from '../testAgent';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { HEARD } from './testAudioLevels';
import { mediaHostAddress } from './testJanus';
import { createTonePeer } from './testTonePeer';

type FarEnd = Awaited<ReturnType<typeof createFarEnd>>;

/** The SDP the relay sent WhatsApp with `action` ('pre_accept' or 'accept') for this call, as the simulator got it. */
export function sdpSentWith(graph: GraphApiSim, callId: string, action: 'pre_accept' | 'accept'): string | undefined {
  const body = graph.requests.find((r) => {
    const sent = r.body as { call_id?: string; action?: string } | undefined;
    return sent?.call_id === callId && sent.action === action;
  })?.body as { session?: { sdp?: string } } | undefined;
  return body?.session?.sdp;
}

/**
 * A call rings at a desk that sends its voice (300 Hz) from its answer on, as the desk does on an anchored call from
 * the Answer click; pre_accept goes through and the caller (440 Hz, behind the ICE-lite edge) gets the business's
 * answer, so both legs are up in Janus before accept is sent. The desk signs in at `agentUrls` (the real relay
 * client) and the call comes in at `webhookUrl`; `colleagues` more desks sign in after it and ring too.
 */
export async function preAcceptedCall(
  graph: GraphApiSim,
  call: { callId: string; from: string; webhookUrl: string; agentUrls: string[]; colleagues?: number },
) {
  const { callId, from } = call;
  const agent = await connectTestAgent(`agent-${from}`, call.agentUrls);
  const colleagues = await Promise.all(
    Array.from({ length: call.colleagues ?? 0 }, (_, i) => connectTestAgent(`colleague${i}-${from}`, call.agentUrls)),
  );
  const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
  const desk = createTonePeer(300);
  /** The agent's connection, the caller and the desk go. */
  const close = () => {
    agent.client.close();
    for (const colleague of colleagues) colleague.client.close();
    caller.close();
    desk.close();
  };
  try {
    graph.offerCall(callId);
    const secrets = RELAY_TEST_SECRETS;
    const body = connectWebhook({ callId, from, phoneNumberId: secrets.phoneNumberId, sdpOffer: caller.offerSdp });
    expect((await postSignedWebhook(call.webhookUrl, body, secrets.appSecret)).status).toBe(200);
    await until(() => [agent, ...colleagues].every((desk) => offeredTo(desk.events, callId) !== undefined));
    const answer = await desk.answer(offeredTo(agent.events, callId)!.sdpOffer);
    await agent.client.request('pre_accept', { callId, sdp: answer });
    await caller.applyAnswer(sdpSentWith(graph, callId, 'pre_accept')!);
    // Both legs are up: the desk hears the caller through the room.
    await until(() => desk.heard(440) > HEARD, 10_000);
    return { agent, caller, desk, answer, close };
  } catch (error) {
    close();
    throw error;
  }
}

/** The loudest `level()` read every 20 ms over `ms`. */
export async function loudestOver(level: () => number, ms: number): Promise<number> {
  let loudest = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    loudest = Math.max(loudest, level());
    await new Promise((r) => setTimeout(r, 20));
  }
  return loudest;
}

/**
 * The median `level()` read every 20 ms over `ms`: whether a leg hears a voice, where a single reading can be a glitch
 * on a loaded machine. A gap in what a desk receives spreads the caller's tone into every frequency for the 100 ms it
 * keeps (measured 0.026 at 300 Hz, as much at 580 Hz that nobody plays); and Janus 1.1.2's mixer adds each leg's
 * packet to the mix and takes it out of that leg's own in two passes, so a packet arriving between them (or a volume
 * change) sends a leg one 20 ms frame of its own voice (measured 0.15 at 300 Hz over 580). A voice really heard is in
 * every reading.
 */
export async function medianOver(level: () => number, ms: number): Promise<number> {
  const readings: number[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    readings.push(level());
    await new Promise((r) => setTimeout(r, 20));
  }
  return readings.sort((x, y) => x - y)[Math.floor(readings.length / 2)]!;
}

/**
 * The loudest `level()` held for `holdMs` at a stretch over `ms`, read every 20 ms: a voice let through is heard for
 * as long as it is let through, while a glitch (medianOver) lasts one 20 ms frame, or as long as a loaded machine
 * stalls the reader right after one.
 */
export async function loudestHeld(level: () => number, ms: number, holdMs = 300): Promise<number> {
  if (ms < 2 * holdMs) throw new Error('too short a time to tell a voice from a glitch');
  const readings: Array<{ atMs: number; level: number }> = [];
  let loudest = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const atMs = Date.now();
    readings.push({ atMs, level: level() });
    // The readings since the last one taken `holdMs` or more ago: the level held over that stretch is their least.
    let from = readings.length - 1;
    while (from >= 0 && readings[from]!.atMs > atMs - holdMs) from -= 1;
    if (from >= 0) loudest = Math.max(loudest, Math.min(...readings.slice(from).map((r) => r.level)));
    await new Promise((r) => setTimeout(r, 20));
  }
  return loudest;
}

/** The loudest the caller heard the desk's tone over `ms`, for 300 ms at a stretch (loudestHeld). */
export const loudestHeard = (caller: FarEnd, ms: number) => loudestHeld(() => heardTone(caller.received, 300), ms);
