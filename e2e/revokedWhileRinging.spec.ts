import { expect, test } from '@playwright/test';
import { Redis } from 'ioredis';
import { createRevocations } from '../src/relay/revocations';
import { startTeam } from './teamDesks';
import { deploymentKeyPrefix } from '../src/relay/relayKeys';

test('a call ringing at an agent whose token is revoked leaves her desk; it still rings at her colleague, who answers', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const team = await startTeam(browser);
  const redis = new Redis(team.redisUrl);
  try {
    const call = await team.sim.placeCall({ name: 'Revoked Ring Customer' });
    const ashaRing = team.pageA.getByTestId('incoming-call');
    await expect(ashaRing.getByTestId('caller-name')).toHaveText('Revoked Ring Customer');
    await expect(team.pageB.getByTestId('caller-name')).toHaveText('Revoked Ring Customer');
    // As `npm run relay -- revoke asha` does: the relay drops her desk at its next look (every 5 s).
    await createRevocations(redis, deploymentKeyPrefix('e2e')).revoke('asha');
    await expect(team.pageA.getByTestId('status')).toContainText('The relay refused the agent token', {
      timeout: 20_000,
    });
    await expect(ashaRing).toHaveCount(0, { timeout: 5000 });
    await expect(team.pageA.getByText('The team relay cannot be reached')).toHaveCount(0);
    // The relay passed the ring on: Ben's desk takes the call.
    await team.pageB.getByTestId('answer').click();
    await expect(team.pageB.getByTestId('call-phase')).toHaveText('On call', { timeout: 15_000 });
    expect(team.sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
    await team.pageB.getByTestId('hangup').click();
  } finally {
    redis.disconnect();
    await team.close();
  }
});
