import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWebhook, postSignedWebhook } from '../../sim/webhookSender';
import { createMemoryLogger } from '../whatsapp/logger';
import { freePort } from './freePort';
import { startRelay, type Relay } from './relayServer';
import { connectTestAgent } from './testAgent';
import { startTestRedis, type TestRedis } from './testRedis';
import { RELAY_TEST_SECRETS as SECRETS, TEST_ANSWER_SDP } from './testSecrets';

let redis: TestRedis;
let relay: Relay;
beforeAll(async () => {
  redis = await startTestRedis();
  // Nothing listens where the relay looks for Meta's Graph API: the relay's own network to WhatsApp is down.
  relay = await startRelay({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: `http://127.0.0.1:${await freePort()}`,
    logger: createMemoryLogger(),
    prefix: 'whatsapp-down',
  });
}, 30_000);
afterAll(async () => {
  await relay?.close();
  await redis?.stop();
});

describe('the relay cannot reach WhatsApp', () => {
  it('an agent who answers is told it is the relay that cannot reach WhatsApp, not their computer', async () => {
    const desk = await connectTestAgent('asha', [relay.agentUrl]);
    try {
      const callId = 'wacid.whatsapp-down';
      const body = connectWebhook({
        callId,
        from: '447700900901',
        phoneNumberId: SECRETS.phoneNumberId,
        sdpOffer: 'v=0\r\n',
      });
      expect((await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
      await expect.poll(() => desk.events.some((e) => e.type === 'call_offered' && e.callId === callId)).toBe(true);
      const answered = desk.client.request('pre_accept', { callId, sdp: TEST_ANSWER_SDP });
      await expect(answered).rejects.toThrow('The team relay could not reach WhatsApp');
      await expect(answered).rejects.not.toThrow('this computer');
    } finally {
      desk.client.close();
    }
  });
});
