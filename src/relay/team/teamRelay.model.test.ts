import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../../../sim/webhookSender';
import type { TeamSlice } from './teamModel';
import { createMemoryLogger } from '../../whatsapp/logger';
import { startRelay, type Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import { startTestRedis, type TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS as SECRETS, TEST_ANSWER_SDP as ANSWER } from '../testSecrets';
import { teamInvariantViolations } from './teamInvariants';
import { createTeamStore, type TeamStore } from './teamStore';
import { deploymentKeyPrefix } from '../relayKeys';

/**
 * The team model through the real relay: random steps of a working floor (desks signing in and out on two relay
 * instances, status changes, calls from WhatsApp, answers, declines, hang-ups on either side, wrap-ups), and after
 * every step the relay's own state in Redis keeps the model's rules, every desk shows what the relay holds, and a
 * ring reached a desk only with the agent reserved for it.
 */
const KINDS = [
  'sign_in',
  'sign_out',
  'not_ready',
  'available',
  'call_comes',
  'call_comes',
  'answer',
  'answer',
  'decline',
  'hang_up',
  'customer_hangs_up',
  'save_wrap_up',
] as const;
type Step = { kind: (typeof KINDS)[number]; a: number; b: number };
const stepArbitrary = fc.record({ kind: fc.constantFrom(...KINDS), a: fc.nat(20), b: fc.nat(20) });

const AGENTS = ['asha', 'ben', 'chen'];
const PREFIX = 'floor';

let redisServer: TestRedis;
let graph: GraphApiSim;
let relays: Relay[];
let reader: Redis;
let team: TeamStore;
let runNo = 0;

beforeAll(async () => {
  redisServer = await startTestRedis();
  graph = await startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId });
  relays = await Promise.all(
    [0, 1].map(() =>
      startRelay({
        ...SECRETS,
        redisUrl: redisServer.url,
        graphBaseUrl: graph.baseUrl,
        logger: createMemoryLogger(),
        prefix: PREFIX,
        // The relay holds agents in after-call work until they save, so wrap-ups are part of the floor here.
        afterCallSeconds: 600,
      }),
    ),
  );
  reader = new Redis(redisServer.url);
  team = createTeamStore(reader, deploymentKeyPrefix(PREFIX));
}, 30_000);

afterAll(async () => {
  for (const relay of relays ?? []) await relay.close();
  reader?.disconnect();
  await graph?.close();
  await redisServer?.stop();
});

type Desk = Awaited<ReturnType<typeof connectTestAgent>>;

/** One run's floor: its own agent and call names, so runs on the same relays never meet. */
function floorOfRun() {
  runNo += 1;
  const run = runNo;
  const desks = new Map<string, Desk>();
  const calls: string[] = [];
  const name = (agent: string) => `${agent}-${run}`;
  const pick = <T>(list: T[], i: number): T | undefined => (list.length ? list[i % list.length] : undefined);

  async function slice(): Promise<TeamSlice> {
    const agents = (await Promise.all(AGENTS.map((a) => team.agent(name(a))))).filter((a) => a !== undefined);
    const found = (await Promise.all(calls.map((c) => team.call(c)))).filter((c) => c !== undefined);
    return { agents: new Map(agents.map((a) => [a.id, a])), calls: new Map(found.map((c) => [c.id, c])) };
  }
  const ringingFor = async (agentId: string) => (await team.agent(agentId))?.reservations ?? [];
  const webhook = (body: unknown) => postSignedWebhook(relays[runNo % 2]!.webhookUrl, body, SECRETS.appSecret);

  async function play(step: Step): Promise<void> {
    const agentId = name(pick(AGENTS, step.a)!);
    const desk = desks.get(agentId);
    switch (step.kind) {
      case 'sign_in':
        if (!desk) desks.set(agentId, await connectTestAgent(agentId, [relays[step.b % 2]!.agentUrl]));
        return;
      case 'sign_out':
        desk?.client.close();
        desks.delete(agentId);
        return;
      case 'not_ready':
      case 'available':
        desk?.client.setStatus(step.kind === 'available' ? 'available' : 'away');
        return;
      case 'call_comes': {
        const callId = `wacid.floor${run}.${calls.length + 1}`;
        calls.push(callId);
        graph.offerCall(callId);
        const body = connectWebhook({
          callId,
          from: '447700900123',
          phoneNumberId: SECRETS.phoneNumberId,
          sdpOffer: 'v=0\r\n',
        });
        expect((await webhook(body)).status).toBe(200);
        return;
      }
      case 'answer':
      case 'decline': {
        const callId = desk && pick(await ringingFor(agentId), step.b);
        if (!callId) return;
        if (step.kind === 'decline')
          return void (await desk.client.request('reject', { callId }).catch(() => undefined));
        const answered = await desk.client.request('pre_accept', { callId, sdp: ANSWER }).then(
          () => true,
          () => false,
        );
        if (answered) await desk.client.request('accept', { callId, sdp: ANSWER });
        return;
      }
      case 'hang_up': {
        const callId = desk && pick((await team.agent(agentId))?.calls ?? [], step.b);
        if (callId) await desk.client.request('terminate', { callId }).catch(() => undefined);
        return;
      }
      case 'customer_hangs_up': {
        const callId = pick(calls, step.b)!;
        if (!callId) return;
        const body = terminateWebhook({
          callId,
          from: '447700900123',
          phoneNumberId: SECRETS.phoneNumberId,
          status: 'COMPLETED',
        });
        await webhook(body);
        return;
      }
      case 'save_wrap_up': {
        const callId = desk && pick((await team.agent(agentId))?.wrapUps ?? [], step.b);
        if (callId) await desk.client.request('wrap_up', { callId, outcome: 'Resolved', notes: '' });
        return;
      }
    }
  }

  /** Waits until the relay is still and every desk shows the state the relay holds for it. */
  async function settled(where: string): Promise<TeamSlice> {
    let last = '';
    for (let tries = 0; tries < 100; tries += 1) {
      const now = await slice();
      const text = JSON.stringify([...now.agents.values()]) + JSON.stringify([...now.calls.values()]);
      const desksAgree = [...desks].every(([id, desk]) => {
        const held = now.agents.get(id);
        const shown = desk.state();
        return held && shown && shown.state === held.state && shown.sinceMs === held.sinceMs;
      });
      if (text === last && desksAgree) return now;
      last = text;
      await new Promise((r) => setTimeout(r, 40));
    }
    throw new Error(`the floor did not settle ${where}: ${last}`);
  }

  /** A ring reached a desk only for a call ringing for its agent; a call still ringing for an agent reached them. */
  function ringsMatch(now: TeamSlice, where: string): void {
    for (const [id, desk] of desks) {
      const rung = new Set(desk.events.flatMap((e) => (e.type === 'call_offered' ? [e.callId] : [])));
      for (const callId of now.agents.get(id)?.reservations ?? [])
        expect(rung.has(callId), `${id} was not rung for ${callId} ${where}`).toBe(true);
      for (const callId of rung) {
        const reservation = now.calls.get(callId)?.reservations.find((r) => r.agentId === id);
        expect(reservation, `${id} was rung for ${callId} without a reservation ${where}`).toBeDefined();
      }
    }
  }

  /** Every caller of this run hangs up, then its desks leave: nothing of it is left ringing for the next run. */
  async function close(): Promise<void> {
    for (const callId of calls)
      await webhook(
        terminateWebhook({ callId, from: '447700900123', phoneNumberId: SECRETS.phoneNumberId, status: 'COMPLETED' }),
      );
    await settled('at the end of the run').catch(() => undefined);
    desks.forEach((d) => d.client.close());
  }

  return { play, settled, ringsMatch, close };
}

describe('the team model through the real relay', () => {
  it('keeps its rules after every step of random interleavings on two relay instances', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 3, maxLength: 12 }), async (steps) => {
        const floor = floorOfRun();
        const played: Step[] = [];
        try {
          for (const step of [...AGENTS.map((_, a): Step => ({ kind: 'sign_in', a, b: a })), ...steps]) {
            played.push(step);
            await floor.play(step);
            const where = `after ${JSON.stringify(played)}`;
            const now = await floor.settled(where);
            expect(teamInvariantViolations(now), where).toEqual([]);
            floor.ringsMatch(now, where);
          }
        } finally {
          await floor.close();
        }
      }),
      { numRuns: 60 },
    );
  }, 240_000);
});
