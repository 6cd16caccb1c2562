import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallStore } from './callStore';
import { deploymentKeyPrefix, relayKeys } from './relayKeys';
import { createTeamStore } from './team/teamStore';
import { startTestRedisCluster, type TestRedisCluster } from './testRedisCluster';

let cluster: TestRedisCluster;

beforeAll(async () => {
  cluster = await startTestRedisCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

/** A call offered, rung at Asha and answered: the team model's reads and conditional write, the call store's script. */
async function answeredCall(prefix: string): Promise<string | undefined> {
  // The relay's own stores, given a Cluster client where they take one Redis (the relay does not connect to a Cluster).
  const redis = cluster.client() as unknown as Redis;
  const team = createTeamStore(redis, prefix);
  const calls = createCallStore(redis, relayKeys(prefix), 'instance-1');
  const offer = { type: 'call_offered', callId: 'wacid.c1', from: '447700900950', sdpOffer: 'v=0\r\n' } as const;
  expect(await calls.takeOffer({ ...offer, timestampMs: Date.now() })).toEqual({ outcome: 'new' });
  await team.apply({ kind: 'sign_in', agentId: 'asha' });
  await team.apply({ kind: 'set_activity', agentId: 'asha', activity: { kind: 'available' } });
  await team.apply({ kind: 'offer', callId: 'wacid.c1', waitingAllowed: false });
  await team.apply({ kind: 'reserve', callId: 'wacid.c1', agentId: 'asha', purpose: 'answer' });
  await team.apply({ kind: 'accept', callId: 'wacid.c1', agentId: 'asha' });
  return (await team.agent('asha'))?.state;
}

describe('the relay’s multi-key commands on a real 3-node Redis Cluster', () => {
  it('are accepted when the keys carry the deployment’s hash tag', async () => {
    expect(await answeredCall(deploymentKeyPrefix('clustered'))).toBe('on_call');
  }, 30_000);

  it('are refused across slots without it (the keys before the tag)', async () => {
    await expect(answeredCall('untagged')).rejects.toThrow(/CROSSSLOT/);
  }, 30_000);
});
