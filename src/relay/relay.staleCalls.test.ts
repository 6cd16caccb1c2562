import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../../sim/webhookSender';
import { createMemoryLogger } from '../whatsapp/logger';
import { testClocks, type TestClocks } from '../whatsapp/testClocks';
import { startRelay, type Relay } from './relayServer';
import { connectTestAgent } from './testAgent';
import { startTestRedis } from './testRedis';
import { RELAY_TEST_SECRETS as SECRETS } from './testSecrets';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let graph: GraphApiSim;
const cleanup: Array<() => unknown> = [];
let testNo = 0;

beforeAll(async () => {
  redis = await startTestRedis();
  graph = await startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId });
});
afterAll(async () => {
  await graph.close();
  await redis.stop();
});
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

/** A freshly started relay on `clocks`, with one available agent listening. */
async function freshRelay(clocks: TestClocks) {
  testNo += 1;
  const logger = createMemoryLogger();
  const relay: Relay = await startRelay({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    logger,
    prefix: `stale${testNo}`,
    webhookClocks: { now: clocks.now, steadyNow: clocks.steadyNow },
  });
  cleanup.push(() => relay.close());
  const ann = await connectTestAgent('ann', [relay.agentUrl]);
  cleanup.push(() => ann.client.close());
  let callNo = 0;
  return {
    logger,
    /** Posts a signed connect stamped `timestampSec`, as Meta would, and returns its call id. */
    async connect(timestampSec: number): Promise<string> {
      callNo += 1;
      const callId = `wacid.stale${testNo}.${callNo}`;
      const body = connectWebhook({
        callId,
        from: '447700900123',
        phoneNumberId: SECRETS.phoneNumberId,
        sdpOffer: 'v=0\r\n',
        timestampSec,
      });
      expect((await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
      return callId;
    },
    rung: () => ann.events.flatMap((e) => (e.type === 'call_offered' ? [e.callId] : [])),
    /** The caller hangs up, so the agent (rung for one call at a time) is free for the next. */
    async hangUp(callId: string, timestampSec: number): Promise<void> {
      const body = terminateWebhook({
        callId,
        from: '447700900123',
        phoneNumberId: SECRETS.phoneNumberId,
        status: 'COMPLETED',
        timestampSec,
      });
      expect((await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
    },
    async staleCount(): Promise<number> {
      const text = await (await fetch(`${relay.agentUrl.replace('ws:', 'http:')}metrics`)).text();
      return Number(/^wa_relay_stale_calls_dropped_total (\d+)$/m.exec(text)?.[1] ?? NaN);
    },
  };
}

type Team = Awaited<ReturnType<typeof freshRelay>>;

/** Sends genuine connects one by one, each delivered a second after Meta stamped it; all of them must ring. */
async function genuineCalls(team: Team, clocks: TestClocks, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    clocks.pass(20_000);
    const callId = await team.connect(clocks.metaSec(1000));
    ids.push(callId);
    await expect.poll(() => team.rung().includes(callId)).toBe(true);
    await team.hangUp(callId, clocks.metaSec(500));
  }
  expect(team.rung().filter((id) => ids.includes(id))).toHaveLength(count);
  return ids;
}

/** A connect Meta retried 90 s after the call started (its ringing window is over), then a settled pause. */
async function lateRetryIsDropped(team: Team, clocks: TestClocks, dropsSoFar: number): Promise<void> {
  const late = await team.connect(clocks.metaSec(90_000));
  await expect.poll(() => team.staleCount()).toBe(dropsSoFar + 1);
  expect(team.rung()).not.toContain(late);
  const warning = team.logger.records.find((r) => r.level === 'warn' && r.callId === late);
  expect(warning).toMatchObject({ reason: expect.stringContaining('too late') });
}

describe('relay: stale connects (issue 23)', () => {
  it('rings every genuine call after one signed connect stamped 10 minutes ahead, then and a minute later', async () => {
    const clocks = testClocks();
    const team = await freshRelay(clocks);
    const odd = await team.connect(clocks.metaSec(-10 * 60_000));
    await expect.poll(() => team.rung().includes(odd)).toBe(true);
    await team.hangUp(odd, clocks.metaSec(0));
    await genuineCalls(team, clocks, 3);
    clocks.pass(60_000);
    await genuineCalls(team, clocks, 3);
    expect(await team.staleCount()).toBe(0);
    await lateRetryIsDropped(team, clocks, 0);
  });

  it("does not ring a connect stamped two days ago that is a fresh relay's first delivery, and says so", async () => {
    const clocks = testClocks();
    const team = await freshRelay(clocks);
    const replay = await team.connect(clocks.metaSec(2 * 24 * 3600_000));
    await genuineCalls(team, clocks, 2);
    expect(team.rung()).not.toContain(replay);
    expect(await team.staleCount()).toBe(1);
    expect(team.logger.records).toContainEqual(expect.objectContaining({ level: 'warn', callId: replay }));
  });

  for (const skewMs of [2 * 60_000, -2 * 60_000]) {
    it(`rings every call from the first on a relay whose clock is ${skewMs / 60_000} min off`, async () => {
      const clocks = testClocks(skewMs);
      const team = await freshRelay(clocks);
      await genuineCalls(team, clocks, 5);
      expect(await team.staleCount()).toBe(0);
      await lateRetryIsDropped(team, clocks, 0);
    });
  }

  it("rings every call while the relay's clock steps 5 minutes forward and back", async () => {
    const clocks = testClocks();
    const team = await freshRelay(clocks);
    await genuineCalls(team, clocks, 4);
    clocks.stepWall(5 * 60_000);
    await genuineCalls(team, clocks, 4);
    clocks.stepWall(-10 * 60_000);
    await genuineCalls(team, clocks, 4);
    expect(await team.staleCount()).toBe(0);
    await lateRetryIsDropped(team, clocks, 0);
  });
});
