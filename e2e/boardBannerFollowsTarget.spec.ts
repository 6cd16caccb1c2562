import { test, expect } from '@playwright/test';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { startRelay } from '../src/relay/relayServer';
import { connectTestAgent } from '../src/relay/testAgent';
import { startTestPostgres } from '../src/relay/testPostgres';
import { startTestRedis } from '../src/relay/testRedis';
import { RELAY_TEST_SECRETS } from '../src/relay/testSecrets';
import { TeamQueues } from '../src/shared/teamQueues';
import { createMemoryLogger } from '../src/whatsapp/logger';
import { startGraphApiSim } from '../sim/graphApiSim';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../sim/webhookSender';

test('an open board’s service-level banner follows the target an admin changes meanwhile, as the tile does', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const SECRETS = RELAY_TEST_SECRETS;
  const [redis, postgres, graph] = await Promise.all([
    startTestRedis(),
    startTestPostgres(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
  const relay = await startRelay({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    logger: createMemoryLogger(),
    prefix: 'banner',
    databaseUrl: postgres.url,
    queues: TeamQueues.parse({
      defaultQueue: 'support',
      queues: [{ id: 'support', name: 'Support', routing: 'ring_all', agents: { ben: 1 } }],
    }),
  });
  const desk = await connectTestAgent('ben', [relay.agentUrl]);
  const base = relay.agentUrl.replace(/^ws/, 'http').replace(/\/$/, '');
  const admin = await issueSupervisorToken('ada', SECRETS.agentSecret, { role: 'admin' });
  const context = await browser.newContext();
  const board = await context.newPage();
  try {
    await board.goto(`${base}/board`);
    await board.getByTestId('board-token').fill(await issueSupervisorToken('sam', SECRETS.agentSecret));
    await board.getByTestId('board-sign-in-button').click();
    await expect(board.getByTestId('board-live')).toHaveText('Live');

    // A call rings at Ben and the customer hangs up unanswered: Support's service level today is 0 %.
    const call = { callId: 'wacid.banner.1', from: '447700900631', phoneNumberId: SECRETS.phoneNumberId };
    graph.offerCall(call.callId);
    await postSignedWebhook(relay.webhookUrl, connectWebhook({ ...call, sdpOffer: 'v=0\r\n' }), SECRETS.appSecret);
    await expect(board.getByTestId('waiting-row')).toHaveCount(1);
    await postSignedWebhook(relay.webhookUrl, terminateWebhook({ ...call, status: 'COMPLETED' }), SECRETS.appSecret);
    const banner = board.locator('[data-testid="floor-alert-item"][data-kind="service_level"][data-queue="support"]');
    await expect(banner).toHaveText('Support: service level today 0%, below the 80% target.', { timeout: 15_000 });

    // The admin sets the target to 85 % elsewhere; this board stays open.
    const saved = await fetch(`${base}/board/api/settings`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ boardThresholds: { serviceLevelTargetPct: 85, maxWaitSec: 60 } }),
    });
    expect(saved.status).toBe(200);
    await expect(board.getByTestId('tile-service-level')).toContainText('target 85%', { timeout: 15_000 });
    await expect(banner).toHaveText('Support: service level today 0%, below the 85% target.');
  } finally {
    desk.client.close();
    await context.close();
    await relay.close();
    await graph.close();
    await redis.stop();
    await postgres.stop();
  }
});
