import wrtc from '@roamhq/wrtc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../sim/graphApiSim';
import { connectRelay } from '../main/transport/relayClient';
import type { IceServer } from '../shared/iceServers';
import { createMemoryLogger } from '../whatsapp/logger';
import { issueAgentToken } from './agentTokens';
import { startRelay, type Relay } from './relayServer';
import { startTestCoturn, type TestCoturn } from './testCoturn';
import { startTestRedis } from './testRedis';
import { RELAY_TEST_SECRETS } from './testSecrets';
import { turnCredentials, type TurnSettings } from './turnCredentials';
import { Redis } from 'ioredis';
import { deploymentKeyPrefix } from './relayKeys';

const SECRETS = RELAY_TEST_SECRETS;
const logger = createMemoryLogger();
let redis: Awaited<ReturnType<typeof startTestRedis>>;
let graph: GraphApiSim;
let coturn: TestCoturn;
let relay: Relay;
let turn: TurnSettings;

beforeAll(async () => {
  [redis, graph, coturn] = await Promise.all([
    startTestRedis(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
    startTestCoturn(),
  ]);
  turn = { urls: [coturn.urls.udp, coturn.urls.tcp, coturn.urls.tls], secret: coturn.secret, lifetimeSeconds: 3600 };
  relay = await startRelay({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    logger,
    prefix: 'turn',
    turn,
  });
});
afterAll(async () => {
  await relay?.close();
  await Promise.all([graph?.close(), redis?.stop(), coturn?.stop()]);
});

/**
 * How a desk's peer connection reached TURN with these credentials through one address, relay candidates only: the
 * protocol of each relay candidate it got (one per network interface), none when coturn refused.
 */
async function relayCandidates(url: string, server: IceServer): Promise<string[]> {
  const pc = new wrtc.RTCPeerConnection({
    iceServers: [{ ...server, urls: url }],
    iceTransportPolicy: 'relay',
  });
  try {
    pc.addTransceiver('audio');
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 8000);
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && (clearTimeout(timer), resolve());
    });
    const found = new Set<string>();
    (await pc.getStats()).forEach((s: { type: string; candidateType?: string; relayProtocol?: string }) => {
      if (s.type === 'local-candidate' && s.candidateType === 'relay') found.add(s.relayProtocol ?? '?');
    });
    return [...found];
  } finally {
    pc.close();
  }
}

/** Signs a desk in with the relay client and keeps the TURN servers the relay hands it. */
async function signedInDesk(agentId: string) {
  const handed: IceServer[][] = [];
  const client = connectRelay({
    urls: [relay.agentUrl],
    token: await issueAgentToken(agentId, SECRETS.agentSecret),
    onEvent: () => undefined,
    onIceServers: (servers) => handed.push(servers),
  });
  await client.ready();
  return { client, handed };
}

describe('TURN for offices that block UDP', () => {
  // TURN over TLS is proven in Chromium (e2e/turn.spec.ts): libwebrtc checks the server's certificate, and this
  // Node build of it cannot be told to trust the test's self-signed one.
  it('hands a signed-in desk time-limited credentials for every TURN address, which coturn accepts', async () => {
    const desk = await signedInDesk('asha');
    try {
      expect(desk.handed).toHaveLength(1);
      const [server] = desk.handed[0]!;
      expect(server!.urls).toEqual(turn.urls);
      const [expiry, agent] = server!.username!.split(':');
      expect(agent).toBe('asha');
      // Valid for the configured hour from now, no longer.
      expect(Number(expiry) * 1000 - Date.now()).toBeGreaterThan(3590_000);
      expect(Number(expiry) * 1000 - Date.now()).toBeLessThanOrEqual(3600_000);
      expect(await relayCandidates(coturn.urls.udp, server!)).toEqual(['udp']);
      expect(await relayCandidates(coturn.urls.tcp, server!)).toEqual(['tcp']);
      // The credential is never written to the relay's log.
      expect(JSON.stringify(logger.records)).not.toContain(server!.credential);
    } finally {
      desk.client.close();
    }
  });

  it('coturn refuses credentials past their expiry, and credentials signed with another secret', async () => {
    const expired = turnCredentials(turn, 'asha', Date.now() - 2 * 3600_000);
    expect(await relayCandidates(coturn.urls.udp, expired)).toEqual([]);
    expect(await relayCandidates(coturn.urls.tcp, expired)).toEqual([]);
    const forged = turnCredentials({ ...turn, secret: 'not-the-team-secret-0123' }, 'asha');
    expect(await relayCandidates(coturn.urls.udp, forged)).toEqual([]);
    // The same shape, minted now with the team's secret, is accepted: the refusals above are about time and secret.
    expect(await relayCandidates(coturn.urls.udp, turnCredentials(turn, 'asha'))).toEqual(['udp']);
  });

  it('a desk whose token was revoked gets no credentials: refused before any message', async () => {
    const token = await issueAgentToken('leaver', SECRETS.agentSecret, { now: Date.now() - 1000 });
    const admin = new Redis(redis.url);
    await admin.hset(`${deploymentKeyPrefix('turn')}:revoked`, 'leaver', String(Date.now()));
    admin.disconnect();
    const handed: IceServer[][] = [];
    const errors: string[] = [];
    const client = connectRelay({
      urls: [relay.agentUrl],
      token,
      onEvent: () => undefined,
      onIceServers: (servers) => handed.push(servers),
      onConnection: (state) => state.error && errors.push(state.error.key),
    });
    try {
      await expect.poll(() => errors[0], { timeout: 5000 }).toBe('relayTokenRefused');
      expect(handed).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('sends a signed-in desk fresh credentials at half their life, and none once its token is revoked', async () => {
    // Credentials of 2 s, renewed every second, on an instance of their own.
    const quick = await startRelay({
      ...SECRETS,
      redisUrl: redis.url,
      graphBaseUrl: graph.baseUrl,
      logger: createMemoryLogger(),
      prefix: 'turn-quick',
      turn: { ...turn, lifetimeSeconds: 2 },
    });
    const handed: IceServer[][] = [];
    const client = connectRelay({
      urls: [quick.agentUrl],
      token: await issueAgentToken('ben', SECRETS.agentSecret, { now: Date.now() - 1000 }),
      onEvent: () => undefined,
      onIceServers: (servers) => handed.push(servers),
    });
    try {
      await client.ready();
      await expect.poll(() => handed.length, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
      const expiries = handed.map((servers) => Number(servers[0]!.username!.split(':')[0]));
      expect(expiries.at(-1)).toBeGreaterThan(expiries[0]!);
      const admin = new Redis(redis.url);
      await admin.hset(`${deploymentKeyPrefix('turn-quick')}:revoked`, 'ben', String(Date.now()));
      admin.disconnect();
      const atRevoke = handed.length;
      await new Promise((r) => setTimeout(r, 2500));
      // At most one renewal already on its way when the revocation was written.
      expect(handed.length - atRevoke).toBeLessThanOrEqual(1);
    } finally {
      client.close();
      await quick.close();
    }
  });
});
