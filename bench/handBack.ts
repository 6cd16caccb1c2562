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
const FRONT_TOKEN = 'bench-front-token-0123456789abcdef012345678';
const SURVEY_TOKEN = 'bench-survey-token-0123456789abcdef01234567';
const CALLER_HZ = 440;
const FRONT_HZ = 600;
const MUSIC_HZ = 700;
const SURVEY_HZ = 800;
const ASHA_HZ = 300;
const BEN_HZ = 350;

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not in time`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

type Agent = Awaited<ReturnType<typeof connectTestAgent>>;
type Offered = Extract<CallSignal, { type: 'call_offered' }>;
type Caller = Awaited<ReturnType<typeof createFarEnd>>;
/** The ring of this call at this desk after its first `after` events (an escalated call rings again later). */
const ringAt = (agent: Agent, callId: string, after = 0) =>
  agent.events.slice(after).find((e): e is Offered => e.type === 'call_offered' && e.callId === callId);

/**
 * An agent hands a call to a bot and the bot escalates it back, against the same steps done the first time in the
 * same call (same relay, Janus, agents, run): hand_to_bot -> the caller hears the bot, beside the agent's answer of
 * the escalated call -> the caller hears the agent (each adds one party to a room the customer is in); and the
 * hand-back bot's escalate -> a desk rings, beside the queue's first bot's escalate -> a desk rings.
 */
export async function benchHandBack(rounds: number) {
  const [front, survey] = await Promise.all([
    startScriptedBot({ token: FRONT_TOKEN, toneHz: FRONT_HZ, hearHz: CALLER_HZ }),
    startScriptedBot({ token: SURVEY_TOKEN, toneHz: SURVEY_HZ, hearHz: CALLER_HZ }),
  ]);
  const testbed = await startAnchoredRelay(
    'bench-handback',
    {
      defaultQueue: 'front',
      queues: [
        { id: 'front', name: 'Front', media: 'anchored', agents: '*', bot: { url: front.url, token: FRONT_TOKEN } },
        {
          id: 'support',
          name: 'Support',
          media: 'anchored',
          agents: '*',
          payloads: ['support'],
          handBack: [{ id: 'survey', name: 'Survey', url: survey.url, token: SURVEY_TOKEN }],
        },
      ],
    },
    { holdMusic: holdMusicFile(MUSIC_HZ) },
  );
  const { relay, graph } = testbed;
  const [asha, ben] = await Promise.all([
    connectTestAgent('asha', [relay.agentUrl]),
    connectTestAgent('ben', [relay.agentUrl]),
  ]);
  const escalate = async (token: string, bot: { offers: Array<{ body: Record<string, unknown> }> }) => {
    const call = (bot.offers.at(-1)!.body.request_data as { call: string }).call;
    const response = await fetch(`${relay.agentUrl.replace(/^ws/, 'http')}bot/escalate`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ call, queue: 'support', summary: 'Bench', facts: {} }),
    });
    if (response.status !== 202) throw new Error(`escalate answered ${response.status}`);
  };
  const agents = [
    { agent: asha, toneHz: ASHA_HZ },
    { agent: ben, toneHz: BEN_HZ },
  ];
  /** Times `step` until the call rings at a desk (whichever the queue picks); that desk and its ring. */
  const timeRing = async (callId: string, step: () => Promise<void>, into: number[]) => {
    const seen = agents.map((a) => a.agent.events.length);
    const at = performance.now();
    await step();
    let rung: { agent: Agent; toneHz: number; ring: Offered } | undefined;
    await until(
      () => {
        const i = agents.findIndex((a, n) => ringAt(a.agent, callId, seen[n]) !== undefined);
        if (i >= 0) rung = { ...agents[i]!, ring: ringAt(agents[i]!.agent, callId, seen[i])! };
        return rung !== undefined;
      },
      5000,
      'a desk rings',
    );
    into.push(performance.now() - at);
    return rung!;
  };
  /** The agent answers the ring; resolves when the caller hears them, with the time from the answer. */
  const answerHeard = async (agent: Agent, ring: Offered, toneHz: number, caller: Caller) => {
    const desk = createTonePeer(toneHz);
    const answer = await desk.answer(ring.sdpOffer);
    const at = performance.now();
    await agent.client.request('pre_accept', { callId: ring.callId, sdp: answer });
    await agent.client.request('accept', { callId: ring.callId, sdp: answer });
    await until(() => heardTone(caller.received, toneHz) > 0.05, 10_000, 'the caller hears the agent');
    return { desk, ms: performance.now() - at };
  };
  const firstEscalateRing: number[] = [];
  const handBackEscalateRing: number[] = [];
  const agentHeard: number[] = [];
  const botHeard: number[] = [];
  try {
    for (let round = 0; round < rounds; round += 1) {
      const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
      const callId = `wacid.bench.handback.${round}`;
      graph.offerCall(callId);
      const body = connectWebhook({
        callId,
        from: '447700900200',
        phoneNumberId: RELAY_TEST_SECRETS.phoneNumberId,
        sdpOffer: caller.offerSdp,
      });
      await postSignedWebhook(relay.webhookUrl, body, RELAY_TEST_SECRETS.appSecret);
      await until(() => graph.actionsFor(callId).includes('accept:200'), 10_000, 'accepted for the bot');
      const sent = graph.requests.find(
        (r) => JSON.stringify(r.body ?? '').includes('pre_accept') && JSON.stringify(r.body).includes(callId),
      )?.body as { session: { sdp: string } };
      await caller.applyAnswer(sent.session.sdp);
      await until(() => heardTone(caller.received, FRONT_HZ) > 0.05, 10_000, 'the caller hears the first bot');

      // Baselines: the queue's first bot escalates (-> a desk rings), that agent answers (-> the caller hears them).
      const first = await timeRing(callId, () => escalate(FRONT_TOKEN, front), firstEscalateRing);
      await until(() => heardTone(caller.received, MUSIC_HZ) > 0.02, 10_000, 'the caller hears the music');
      const answered = await answerHeard(first.agent, first.ring, first.toneHz, caller);
      agentHeard.push(answered.ms);

      // Hand-back: the agent hands the call to the survey bot (-> the caller hears it), which escalates it back.
      const at = performance.now();
      await first.agent.client.request('hand_to_bot', { callId, bot: 'survey', note: '' });
      await until(() => heardTone(caller.received, SURVEY_HZ) > 0.05, 10_000, 'the caller hears the survey bot');
      botHeard.push(performance.now() - at);
      answered.desk.close();
      await first.agent.wrapUp(callId);
      const again = await timeRing(callId, () => escalate(SURVEY_TOKEN, survey), handBackEscalateRing);
      const last = await answerHeard(again.agent, again.ring, again.toneHz, caller);
      await again.agent.client.request('terminate', { callId });
      // An agent owes one wrap-up per call: the one who handed it back wrote theirs already.
      if (again.agent !== first.agent) await again.agent.wrapUp(callId);
      last.desk.close();
      caller.close();
    }
  } finally {
    asha.client.close();
    ben.client.close();
    await testbed.stop();
    await Promise.all([front.close(), survey.close()]);
  }
  return {
    rounds,
    firstEscalateRingMs: median(firstEscalateRing),
    handBackEscalateRingMs: median(handBackEscalateRing),
    agentHeardMs: median(agentHeard),
    botHeardMs: median(botHeard),
  };
}
