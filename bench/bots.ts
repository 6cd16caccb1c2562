import { createFarEnd, heardTone } from '../sim/farEnd';
import { startScriptedBot } from '../sim/scriptedBot';
import { connectWebhook, postSignedWebhook } from '../sim/webhookSender';
import type { CallSignal } from '../src/shared/callSignals';
import { startAnchoredRelay } from '../src/relay/media/testAnchoredRelay';
import { holdMusicFile, mediaHostAddress } from '../src/relay/media/testJanus';
import { createTonePeer } from '../src/relay/media/testTonePeer';
import { connectTestAgent } from '../src/relay/testAgent';
import { RELAY_TEST_SECRETS } from '../src/relay/testSecrets';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const TOKEN = 'bench-bot-token-0123456789abcdef0123456789';
const CALLER_HZ = 440;
const BOT_HZ = 600;
const MUSIC_HZ = 700;
const AGENT_HZ = 300;

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not in time`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

/**
 * A queue's bot handing a call to an agent, against a plain queued call in the same run (same relay, Janus, agent):
 * escalate request -> the agent's desk rings, beside webhook -> the agent's desk rings; and at the caller, the gap
 * between the last of the hold music and the first of the agent once the agent answers (negative: they overlap).
 */
export async function benchBots(rounds: number) {
  const bot = await startScriptedBot({ token: TOKEN, toneHz: BOT_HZ, hearHz: CALLER_HZ });
  const testbed = await startAnchoredRelay(
    'bench-bots',
    {
      defaultQueue: 'front',
      queues: [
        { id: 'front', name: 'Front', media: 'anchored', agents: '*', bot: { url: bot.url, token: TOKEN } },
        { id: 'support', name: 'Support', media: 'anchored', agents: '*', payloads: ['plain'] },
      ],
    },
    { holdMusic: holdMusicFile(MUSIC_HZ) },
  );
  const { relay, graph } = testbed;
  const agent = await connectTestAgent('asha', [relay.agentUrl]);
  const rang = (callId: string) =>
    agent.events.find(
      (e): e is Extract<CallSignal, { type: 'call_offered' }> => e.type === 'call_offered' && e.callId === callId,
    );
  const secrets = RELAY_TEST_SECRETS;
  const plain: number[] = [];
  const escalated: number[] = [];
  const gaps: number[] = [];
  try {
    for (let round = 0; round < rounds; round += 1) {
      // A plain call to the Support queue: webhook -> ring; the agent declines it (rejected on WhatsApp).
      const plainCaller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
      const plainId = `wacid.bench.plain.${round}`;
      graph.offerCall(plainId);
      const plainBody = connectWebhook({
        callId: plainId,
        from: '447700900100',
        phoneNumberId: secrets.phoneNumberId,
        sdpOffer: plainCaller.offerSdp,
        ctaPayload: 'plain',
      });
      const sentAt = performance.now();
      await postSignedWebhook(relay.webhookUrl, plainBody, secrets.appSecret);
      await until(() => rang(plainId) !== undefined, 5000, 'plain ring');
      plain.push(performance.now() - sentAt);
      await agent.client.request('reject', { callId: plainId });
      plainCaller.close();

      // A call the bot answers; the bench escalates it (as the bot would) and times the ring.
      const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
      const desk = createTonePeer(AGENT_HZ);
      const callId = `wacid.bench.bot.${round}`;
      const offersBefore = bot.offers.length;
      graph.offerCall(callId);
      await postSignedWebhook(
        relay.webhookUrl,
        connectWebhook({
          callId,
          from: '447700900101',
          phoneNumberId: secrets.phoneNumberId,
          sdpOffer: caller.offerSdp,
        }),
        secrets.appSecret,
      );
      await until(() => graph.actionsFor(callId).includes('accept:200'), 10_000, 'accepted for the bot');
      const sent = graph.requests.find(
        (r) => JSON.stringify(r.body ?? '').includes('pre_accept') && JSON.stringify(r.body).includes(callId),
      )?.body as { session: { sdp: string } };
      await caller.applyAnswer(sent.session.sdp);
      await until(() => heardTone(caller.received, BOT_HZ) > 0.05, 10_000, 'caller hears the bot');
      const handle = (bot.offers[offersBefore]!.body.request_data as { call: string }).call;
      const escalateAt = performance.now();
      const response = await fetch(`${relay.agentUrl.replace(/^ws/, 'http')}bot/escalate`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ call: handle, queue: 'support', summary: 'Bench', facts: { round: String(round) } }),
      });
      if (response.status !== 202) throw new Error(`escalate answered ${response.status}`);
      await until(() => rang(callId) !== undefined, 5000, 'escalated ring');
      escalated.push(performance.now() - escalateAt);

      await until(() => heardTone(caller.received, MUSIC_HZ) > 0.02, 10_000, 'caller hears the music');
      const answer = await desk.answer(rang(callId)!.sdpOffer);
      await agent.client.request('pre_accept', { callId, sdp: answer });
      await agent.client.request('accept', { callId, sdp: answer });
      let lastMusic = performance.now();
      let firstAgent: number | undefined;
      const deadline = Date.now() + 10_000;
      while (firstAgent === undefined && Date.now() < deadline) {
        const now = performance.now();
        if (heardTone(caller.received, MUSIC_HZ) > 0.02) lastMusic = now;
        if (heardTone(caller.received, AGENT_HZ) > 0.05) firstAgent = now;
        await new Promise((r) => setTimeout(r, 2));
      }
      if (firstAgent === undefined) throw new Error('the caller never heard the agent');
      gaps.push(firstAgent - lastMusic);
      await agent.client.request('terminate', { callId });
      await agent.wrapUp(callId);
      caller.close();
      desk.close();
    }
  } finally {
    agent.client.close();
    await testbed.stop();
    await bot.close();
  }
  return { rounds, plainRingMs: median(plain), escalateRingMs: median(escalated), switchGapMs: median(gaps) };
}
