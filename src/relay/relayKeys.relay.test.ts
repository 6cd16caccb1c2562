import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRelay } from '../main/transport/relayClient';
import { TeamQueues } from '../shared/teamQueues';
import { IdentityRoles } from '../shared/identityRoles';
import { issueAgentToken, issueSupervisorToken } from './agentTokens';
import { signInTestBoard } from './board/testBoard';
import { startTestOidcProvider, type TestOidcProvider } from './identity/testOidcProvider';
import { deploymentKeyPrefix } from './relayKeys';
import { startRelay } from './relayServer';
import { createRevocations } from './revocations';
import { connectTestAgent } from './testAgent';
import { callbackFromTurnedAwayCall, callbackOffersTo, movableClock, until } from './testCallbacks';
import { clusterSlotOf, everyRedisKey, keyKindsOf } from './testKeySlot';
import { RELAY_TEST_SECRETS, TEST_ANSWER_SDP } from './testSecrets';
import { startTestTeamRelays, type TestTeamRelays } from './testTeamRelays';
import { untaggedKeysProblem } from './untaggedKeys';
import type { WhatsAppSim } from '../../sim/whatsappSim';
import { createMemoryLogger } from '../whatsapp/logger';

const SECRETS = RELAY_TEST_SECRETS;
const PREFIX = 'slots';
const QUEUES = TeamQueues.parse({
  defaultQueue: 'care',
  queues: [
    {
      id: 'care',
      name: 'Care',
      routing: 'ring_all',
      ringSeconds: 60,
      agents: { asha: 1, ben: 1 },
      maxWait: { seconds: 10, action: 'callback' },
    },
  ],
});
const clock = movableClock();
let team: TestTeamRelays & { sim: WhatsAppSim };
let idp: TestOidcProvider;
let probe: Redis;

beforeAll(async () => {
  idp = await startTestOidcProvider({ redirectUris: ['http://127.0.0.1:1/auth/callback'], people: [] });
  team = await startTestTeamRelays({
    count: 2,
    queues: QUEUES,
    database: 'key_slots',
    prefix: PREFIX,
    whatsapp: true,
    routingClock: clock.now,
    afterCallSeconds: 600,
    companySignIn: {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      publicUrl: 'http://127.0.0.1:1',
      roles: IdentityRoles.parse({ roles: { supervisor: ['leads'] } }),
      sessionMinutes: 5,
    },
  });
  probe = new Redis(team.redis.url);
}, 60_000);
afterAll(async () => {
  probe?.disconnect();
  await team?.close();
  await idp?.close();
});

/** `npm run relay -- <words>`, the operator's real command, against this test's Redis. */
async function relayCommand(prefix: string, ...words: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'index.ts'), ...words],
    { env: { ...process.env, REDIS_URL: team.redis.url, RELAY_PREFIX: prefix } },
  );
  return stdout;
}

describe('the keys of a deployment, for a Redis Cluster later', () => {
  it('after a day’s flows every key the relays wrote carries the deployment’s hash tag: one Cluster slot', async () => {
    const [first, second] = team.relays;
    const { sim } = team;
    const asha = await connectTestAgent('asha', [first!.agentUrl]);
    const benStates: boolean[] = [];
    const ben = connectRelay({
      urls: [second!.agentUrl],
      token: await issueAgentToken('ben', SECRETS.agentSecret),
      onEvent: () => undefined,
      onConnection: (s) => benStates.push(s.connected),
    });
    await ben.ready();
    ben.setStatus('away');
    try {
      // A customer's call is offered to Asha, answered, hung up, and written up (after-call work).
      asha.client.setStatus('available');
      await until(() => asha.state()?.state === 'available', 'Asha is available');
      const call = await sim.placeCall({ from: '447700900901' });
      await until(() => asha.events.some((e) => e.type === 'call_offered' && e.callId === call.callId), 'it rings');
      await asha.client.request('pre_accept', { callId: call.callId, sdp: TEST_ANSWER_SDP });
      await asha.client.request('accept', { callId: call.callId, sdp: TEST_ANSWER_SDP });
      await sim.hangUp(call.callId);
      await asha.wrapUp(call.callId);
      await until(async () => (await team.sql('SELECT 1 FROM calls')).length === 1, 'the call is recorded');

      // Nobody free: the next caller waits in the queue past its maximum and asks to be called back; Asha is
      // offered the callback once free again.
      asha.client.setStatus('away');
      await until(() => asha.state()?.state === 'not_ready', 'Asha is away');
      const floor = { sim, webhookUrl: first!.webhookUrl, redis: probe, prefix: PREFIX, clock };
      const callbackId = await callbackFromTurnedAwayCall(floor, '447700900902', { waitMs: 11_000 });
      asha.client.setStatus('available');
      await until(() => callbackOffersTo(asha).some((o) => o.callbackId === callbackId), 'Asha is offered it');

      // A supervisor's board signs in with a token; another begins the company sign-in.
      const board = await signInTestBoard(first!.agentUrl, await issueSupervisorToken('sam', SECRETS.agentSecret));
      await until(() => board.snapshot() !== undefined, 'the board has the floor');
      board.ws.close();
      const login = await fetch(`${team.httpOf(second!)}/auth/login?to=board`, { redirect: 'manual' });
      expect(login.status).toBe(302);

      // The operator withdraws Ben's tokens with the real command: his desk is signed out.
      expect(await relayCommand(PREFIX, 'revoke', 'ben')).toContain('ben');
      await until(() => benStates.at(-1) === false, 'Ben’s desk is signed out');
    } finally {
      asha.client.close();
      ben.close();
    }

    const keys = await everyRedisKey(probe);
    // Calls, agents, the bus, claims, callbacks, limits, sign-in, revocations, records' outbox, leases...
    expect(keyKindsOf(keys)).toEqual(
      expect.arrayContaining([
        '{slots}:alive',
        '{slots}:bus',
        '{slots}:call',
        '{slots}:cb',
        '{slots}:limit',
        '{slots}:revoked',
        '{slots}:signin',
        '{slots}:team',
      ]),
    );
    expect(keys.filter((k) => !k.startsWith('{slots}:'))).toEqual([]);
    expect(new Set(keys.map(clusterSlotOf))).toEqual(new Set([clusterSlotOf('{slots}')]));
  }, 90_000);

  it('a relay refuses to start beside keys an older version wrote, until the operator moves them', async () => {
    const old = 'upgraded';
    // As a relay before the hash tag left them: a revoked agent, and an agent's state that expires.
    await probe.hset(`${old}:revoked`, 'cleo', String(Date.now()));
    await probe.set(`${old}:team:agent:cleo`, '{}', 'EX', 3600);
    const options = { ...team.instanceOptions(), prefix: old, logger: createMemoryLogger() };
    await expect(startRelay(options)).rejects.toThrow(untaggedKeysProblem(old));
    expect(untaggedKeysProblem(old)).toContain('RELAY_PREFIX=upgraded npm run relay -- move-keys');

    expect(await relayCommand(old, 'move-keys')).toContain('2 keys now start with {upgraded}:');
    expect(await probe.exists(`${old}:revoked`, `${old}:team:agent:cleo`)).toBe(0);
    expect(await probe.ttl(`{${old}}:team:agent:cleo`)).toBeGreaterThan(3500);
    // What the relay reads now: Cleo's tokens stay refused.
    const revocations = createRevocations(probe, deploymentKeyPrefix(old));
    expect(await revocations.isRevoked('cleo', Date.now() - 60_000)).toBe(true);
    const relay = await startRelay(options);
    await relay.close();
  }, 60_000);
});
