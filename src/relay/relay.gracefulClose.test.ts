import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook } from '../../sim/webhookSender';
import { TeamQueues } from '../shared/teamQueues';
import { createMemoryLogger } from '../whatsapp/logger';
import { startRelay, type Relay } from './relayServer';
import { connectTestAgent } from './testAgent';
import { startRelayProcess, type RelayProcess } from './testRelayProcess';
import { startTestRedis } from './testRedis';
import { RELAY_TEST_SECRETS } from './testSecrets';

const SECRETS = RELAY_TEST_SECRETS;
const PREFIX = 'graceful';
/** One agent rung at a time, the most skilled first; a ring lasts a minute unless passed on. */
const QUEUES = TeamQueues.parse({
  defaultQueue: 'care',
  repeatCallerMinutes: 0,
  queues: [
    {
      id: 'care',
      name: 'Care',
      routing: 'longest_idle',
      ringSeconds: 60,
      agents: { ann: 9, cal: 8, dee: 7, eve: 6, fay: 5, ben: 1 },
    },
  ],
});
/** The desks signed in on the instance that closes; Ann's rings. */
const LEAVING = ['ann', 'cal', 'dee', 'eve', 'fay'];

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let graph: GraphApiSim;
let closing: RelayProcess;
let other: Relay;

beforeAll(async () => {
  redis = await startTestRedis();
  graph = await startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId });
  const options = { ...SECRETS, redisUrl: redis.url, graphBaseUrl: graph.baseUrl, prefix: PREFIX, queues: QUEUES };
  closing = await startRelayProcess(options);
  other = await startRelay({ ...options, logger: createMemoryLogger() });
}, 60_000);
afterAll(async () => {
  await closing?.kill();
  await other?.close();
  await graph?.close();
  await redis?.stop();
});

const until = async (check: () => boolean, what: string, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const logged = (msg: string) => closing.logLines.filter((line) => line.includes(`"msg":"${msg}"`));

describe('a relay instance closed gracefully (SIGTERM) just as its desks leave', () => {
  it('passes their rings on before it lets Redis go: no error, and the ringing call rings on the other instance', async () => {
    const leaving = await Promise.all(LEAVING.map((id) => connectTestAgent(id, [closing.agentUrl])));
    const ben = await connectTestAgent('ben', [other.agentUrl]);
    try {
      for (const desk of [...leaving, ben]) desk.client.setStatus('available');
      await until(() => [...leaving, ben].every((d) => d.state()?.state === 'available'), 'everyone is available');

      const callId = 'wacid.graceful1';
      graph.offerCall(callId);
      const connect = connectWebhook({
        callId,
        from: '447700900991',
        phoneNumberId: SECRETS.phoneNumberId,
        sdpOffer: 'v=0\r\n',
      });
      expect((await postSignedWebhook(closing.webhookUrl, connect, SECRETS.appSecret)).status).toBe(200);
      const ann = leaving[0]!;
      await until(() => ann.events.some((e) => e.type === 'call_offered' && e.callId === callId), 'Ann rings');

      // The desks leave (their app quits) while Redis is slow to write for a second, and the instance is stopped
      // the moment it has seen them go: their departures are still under way when it closes.
      const probe = new Redis(redis.url);
      await probe.call('CLIENT', 'PAUSE', '1000', 'WRITE');
      probe.disconnect();
      for (const desk of leaving) desk.client.close();
      await until(() => logged('agent disconnected').length === LEAVING.length, 'the instance sees the desks leave');
      await closing.stop();

      const errors = logged('could not pass on calls of a departed agent');
      expect(errors).toEqual([]);
      // Passed on at Ann's departure, well before her minute of ringing would have run out.
      await until(
        () => ben.events.some((e) => e.type === 'call_offered' && e.callId === callId),
        'Ben, on the other instance, rings',
        15_000,
      );
    } finally {
      ben.client.close();
    }
  }, 60_000);
});
