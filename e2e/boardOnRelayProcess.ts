import { expect, type Browser } from '@playwright/test';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { freePort } from '../src/relay/freePort';
import { connectTestAgent } from '../src/relay/testAgent';
import { startRelayProcess } from '../src/relay/testRelayProcess';
import { startTestRedis } from '../src/relay/testRedis';
import { RELAY_TEST_SECRETS } from '../src/relay/testSecrets';
import { TeamQueues } from '../src/shared/teamQueues';
import { startGraphApiSim } from '../sim/graphApiSim';

/**
 * A relay run as its own process (so a test can freeze it), its Redis (so a test can freeze that), agent Ben's desk
 * signed in and Available, and Sam's board signed in and live, showing Ben: the start of every test of a board whose
 * relay or store stops answering. `close` resumes and stops everything.
 */
export async function startBoardOnRelayProcess(browser: Browser, prefix: string) {
  const SECRETS = RELAY_TEST_SECRETS;
  const [redis, graph] = await Promise.all([
    startTestRedis(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
  const agentPort = await freePort();
  const relay = await startRelayProcess({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    prefix,
    agentPort,
    queues: TeamQueues.parse({
      defaultQueue: 'support',
      queues: [{ id: 'support', name: 'Support', routing: 'ring_all', agents: { ben: 1 } }],
    }),
  });
  const desk = await connectTestAgent('ben', [relay.agentUrl]);
  const context = await browser.newContext();
  const board = await context.newPage();
  const close = async () => {
    desk.client.close();
    await context.close();
    await relay.stop();
    await graph.close();
    await redis.stop();
  };
  try {
    await board.goto(`http://127.0.0.1:${agentPort}/board`);
    await board.getByTestId('board-token').fill(await issueSupervisorToken('sam', SECRETS.agentSecret));
    await board.getByTestId('board-sign-in-button').click();
    await expect(board.getByTestId('board-live')).toHaveText('Live');
    const ben = board.locator('[data-testid="agent-row"][data-agent="ben"]');
    await expect(ben.getByTestId('agent-status')).toHaveText('Available');
    return { redis, relay, board, ben, close };
  } catch (error) {
    await close();
    throw error;
  }
}
