import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWebhookFixture } from '../../fixtures/load';
import { startGraphApiSim, type GraphApiSim } from '../../sim/graphApiSim';
import { postSignedWebhook } from '../../sim/webhookSender';
import { createMemoryLogger } from '../whatsapp/logger';
import { issueSupervisorToken } from './agentTokens';
import { signInTestBoard } from './board/testBoard';
import { startRelay, type Relay } from './relayServer';
import { connectTestAgent } from './testAgent';
import { startTestRedis, type TestRedis } from './testRedis';
import { RELAY_TEST_SECRETS } from './testSecrets';

/**
 * Issue 27 through the relay: signed account_update and errors-only calls webhooks (fixtures written from Meta's
 * pages) reach the supervisor board in words, every signed-in desk, and /metrics.
 */
const SECRETS = RELAY_TEST_SECRETS;
const UNTIL_MS = Date.UTC(2099, 11, 12);
let redis: TestRedis;
let graph: GraphApiSim;
let relay: Relay;

beforeAll(async () => {
  [redis, graph] = await Promise.all([
    startTestRedis(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
  relay = await startRelay({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    logger: createMemoryLogger(),
    prefix: 'alerts',
  });
}, 60_000);
afterAll(async () => {
  await relay?.close();
  await graph?.close();
  await redis?.stop();
});

/** A fixture for this relay's number, with a restriction ending in the future whenever the test runs. */
function fixture(name: string): string {
  return JSON.stringify(loadWebhookFixture(name))
    .replaceAll('518638374672395', SECRETS.phoneNumberId)
    .replace('1797033600', String(UNTIL_MS / 1000));
}

describe('WhatsApp account alerts at the team relay', () => {
  it('shows a restriction and a payment error on the board in words, tells every desk, and counts them', async () => {
    const asha = await connectTestAgent('asha', [relay.agentUrl]);
    const board = await signInTestBoard(relay.agentUrl, await issueSupervisorToken('sam', SECRETS.agentSecret));
    try {
      for (const name of ['doc-account-update-calling-restriction.json', 'doc-errors-only-131044.json'])
        expect((await postSignedWebhook(relay.webhookUrl, fixture(name), SECRETS.appSecret)).status).toBe(200);

      await expect
        .poll(() => board.snapshot()?.accountAlerts.map((a) => a.sentence), { timeout: 8000 })
        .toEqual([
          'WhatsApp could not connect this call because the business account has no valid payment method: ask your administrator to add one. (WhatsApp code 131044)',
          'WhatsApp restricted calling on this number until 12 Dec: too many missed calls.',
        ]);
      await expect
        .poll(() => asha.events.filter((e) => e.type === 'account_alert').map((e) => e.alert.kind))
        .toEqual(['restriction', 'calling_error']);

      // A desk signing in afterwards learns of them at once: the restriction still stops its calls.
      const ben = await connectTestAgent('ben', [relay.agentUrl]);
      await expect
        .poll(() => ben.events.filter((e) => e.type === 'account_alert').map((e) => e.alert.kind))
        .toEqual(['restriction', 'calling_error']);
      ben.client.close();

      const metrics = await (await fetch(`${relay.agentUrl.replace(/^ws/, 'http')}metrics`)).text();
      expect(metrics).toMatch(/^wa_relay_calling_restricted\{type="RESTRICTED_USER_INITIATED_CALLING"\} 1$/m);
      expect(metrics).toMatch(/^wa_relay_account_alerts_total\{kind="calling_error",type="131044"\} 1$/m);
    } finally {
      asha.client.close();
      board.ws.close();
    }
  });

  it('ignores an account alert for a number the relay does not serve', async () => {
    const board = await signInTestBoard(relay.agentUrl, await issueSupervisorToken('sam', SECRETS.agentSecret));
    try {
      const before = board.snapshot()!.accountAlerts.length;
      const other = fixture('doc-account-settings-update.json').replace(SECRETS.phoneNumberId, '999888777');
      expect((await postSignedWebhook(relay.webhookUrl, other, SECRETS.appSecret)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1500));
      expect(board.snapshot()!.accountAlerts).toHaveLength(before);
    } finally {
      board.ws.close();
    }
  });

  it('bounds what a flood of account webhooks can leave: oversized parts skipped, at most ten alerts kept and shown', async () => {
    const board = await signInTestBoard(relay.agentUrl, await issueSupervisorToken('sam', SECRETS.agentSecret));
    try {
      const update = (value: unknown) => ({
        object: 'whatsapp_business_account',
        entry: [{ id: '1', changes: [{ field: 'account_update', value }] }],
      });
      const huge = update({ restrictions: { restrictions_list: [{ type: 'X'.repeat(10_000) }] } });
      expect((await postSignedWebhook(relay.webhookUrl, huge, SECRETS.appSecret)).status).toBe(200);
      for (let i = 0; i < 60; i += 1) {
        const warning = update({ event: `USER_INITIATED_CALLS_LOW_PICKUP_RATE_${i}` });
        expect((await postSignedWebhook(relay.webhookUrl, warning, SECRETS.appSecret)).status).toBe(200);
      }
      await expect
        .poll(
          () => board.snapshot()?.accountAlerts.some((a) => a.sentence.length > 0 && /_59/.test(JSON.stringify(a))),
          {
            timeout: 8000,
          },
        )
        .toBe(true);
      const shown = board.snapshot()!.accountAlerts;
      expect(shown.length).toBeLessThanOrEqual(10);
      // The restriction of the first test is still in force and still shown.
      expect(shown.map((a) => a.alert.kind)).toContain('restriction');
      expect(JSON.stringify(shown)).not.toContain('XXXXXXXX');
    } finally {
      board.ws.close();
    }
  });
});
