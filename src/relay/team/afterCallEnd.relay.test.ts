import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../../../sim/webhookSender';
import { createMemoryLogger } from '../../whatsapp/logger';
import { deploymentKeyPrefix } from '../relayKeys';
import { startRelay, type Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import { startRelayProcess, type RelayProcess } from '../testRelayProcess';
import { redisCommandsPerSecond, startTestRedis, type TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS as SECRETS, TEST_ANSWER_SDP as ANSWER } from '../testSecrets';
import { createTeamStore, type TeamStore } from './teamStore';

const PREFIX = 'aftercall';
/** The operator's wrap-up limit (RELAY_AFTER_CALL_SECONDS). */
const LIMIT_MS = 2000;
/** How long idle commands are counted: the once-per-lease look (5 s) is seen at least once. */
const IDLE_MS = 10_000;

let redisServer: TestRedis;
let graph: GraphApiSim;
let relay: Relay;
let dying: RelayProcess;
let probe: Redis;
let team: TeamStore;
const log = createMemoryLogger();

beforeAll(async () => {
  redisServer = await startTestRedis();
  graph = await startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId });
  const options = { ...SECRETS, redisUrl: redisServer.url, graphBaseUrl: graph.baseUrl, prefix: PREFIX };
  relay = await startRelay({ ...options, logger: log, afterCallSeconds: LIMIT_MS / 1000 });
  // Another instance, in its own process so it can die; it holds its agents in after-call work until they save.
  dying = await startRelayProcess(options);
  probe = new Redis(redisServer.url);
  team = createTeamStore(probe, deploymentKeyPrefix(PREFIX));
}, 60_000);
afterAll(async () => {
  await dying?.kill();
  await relay?.close();
  probe?.disconnect();
  await graph?.close();
  await redisServer?.stop();
});

/** Commands sent to Redis naming the after-call work set, per second over `ms`; a script counts once. */
const afterCallCommandsPerSecond = (ms: number) =>
  redisCommandsPerSecond(probe, ms, (args) => args.includes(`${deploymentKeyPrefix(PREFIX)}:team:after-call`));

/** The agent at `agentUrl` answers a customer's call sent to `webhookUrl`, and the customer hangs up. */
async function callThatEnds(agentId: string, agentUrl: string, webhookUrl: string, callId: string) {
  const desk = await connectTestAgent(agentId, [agentUrl]);
  desk.client.setStatus('available');
  await expect.poll(() => desk.state()?.state).toBe('available');
  graph.offerCall(callId);
  const from = '447700900123';
  const connect = connectWebhook({ callId, from, phoneNumberId: SECRETS.phoneNumberId, sdpOffer: 'v=0\r\n' });
  expect((await postSignedWebhook(webhookUrl, connect, SECRETS.appSecret)).status).toBe(200);
  await expect.poll(() => desk.events.some((e) => e.type === 'call_offered' && e.callId === callId)).toBe(true);
  await desk.client.request('pre_accept', { callId, sdp: ANSWER });
  await desk.client.request('accept', { callId, sdp: ANSWER });
  await expect.poll(() => desk.state()?.state).toBe('on_call');
  const end = terminateWebhook({ callId, from, phoneNumberId: SECRETS.phoneNumberId, status: 'COMPLETED' });
  expect((await postSignedWebhook(webhookUrl, end, SECRETS.appSecret)).status).toBe(200);
  await expect.poll(() => desk.state()?.state).toBe('after_call_work');
  return desk;
}

describe('after-call work ends at its limit on a timer instead of a sweep every second (real Redis)', () => {
  it('sends almost nothing idle, and an unsaved wrap-up still ends at the limit', async () => {
    // Nobody in after-call work: a look per lease at most (the sweep sent one command a second).
    const idle = await afterCallCommandsPerSecond(IDLE_MS);
    expect(idle).toBeLessThan(0.5);

    const asha = await callThatEnds('asha', relay.agentUrl, relay.webhookUrl, 'wacid.aftercall.1');
    try {
      const enteredAtMs = desk(asha).sinceMs;
      await expect.poll(() => asha.state()?.state, { timeout: LIMIT_MS + 5000 }).toBe('available');
      const endedAfterMs = desk(asha).sinceMs - enteredAtMs;
      expect(endedAfterMs).toBeGreaterThanOrEqual(LIMIT_MS);
      // Generous: the machine is shared; the timer is armed for the limit itself.
      expect(endedAfterMs).toBeLessThan(LIMIT_MS + 1500);
      console.log(`after-call idle: ${idle.toFixed(2)} commands/s; ended ${endedAfterMs} ms after it began`);
    } finally {
      asha.client.close();
    }
  }, 60_000);

  it('ends after-call work an instance that died had begun, at most a lease after the limit', async () => {
    const ben = await callThatEnds('ben', dying.agentUrl, dying.webhookUrl, 'wacid.aftercall.2');
    const enteredAtMs = desk(ben).sinceMs;
    await dying.kill();
    ben.client.close();
    const timedOut = () =>
      log.records.some((r) => r.msg === 'after-call work timed out: wrap-up not saved in time' && r.agentId === 'ben');
    await expect.poll(timedOut, { timeout: LIMIT_MS + 5000 + 3000 }).toBe(true);
    expect(Date.now() - enteredAtMs).toBeLessThan(LIMIT_MS + 5000 + 3000);
    expect((await team.agent('ben'))?.wrapUps).toEqual([]);
  }, 60_000);
});

function desk(d: Awaited<ReturnType<typeof connectTestAgent>>) {
  const state = d.state();
  if (!state) throw new Error('no state shown');
  return state;
}
