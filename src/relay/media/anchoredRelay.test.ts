import { startAnchoredRelay, type AnchoredRelayTestbed } from './testAnchoredRelay';
import wrtc from '@roamhq/wrtc';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphApiSim } from '../../../sim/graphApiSim';
import { createFarEnd, heardTone } from '../../../sim/farEnd';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../../../sim/webhookSender';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { createJanusRegistry } from './janusRegistry';
import { wavTones } from '../../../sim/toneLevel';
import { issueSupervisorToken } from '../agentTokens';
import { startTestPostgres } from '../testPostgres';
import { holdMusicFile } from './testJanus';
import { connectRelay } from '../../main/transport/relayClient';
import type { CallSignal } from '../../shared/callSignals';
import { TeamQueues, type TeamQueuesInput } from '../../shared/teamQueues';
import { createMemoryLogger } from '../../whatsapp/logger';
import { issueAgentToken } from '../agentTokens';
import { startRelay, type Relay } from '../relayServer';
import { startRelayProcess } from '../testRelayProcess';
import type { TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { mediaHostAddress, startTestJanus, type TestJanus } from './testJanus';
import { createTonePeer } from './testTonePeer';
import { connectTestAgent } from '../testAgent';
import { deploymentKeyPrefix } from '../relayKeys';
import { everyRedisKey, keyKindsOf } from '../testKeySlot';

const SECRETS = RELAY_TEST_SECRETS;
const QUEUES: TeamQueuesInput = {
  defaultQueue: 'support',
  queues: [{ id: 'support', name: 'Support', media: 'anchored', agents: '*' }],
};
let redis: TestRedis;
let graph: GraphApiSim;
let janus: TestJanus;
let testbed: AnchoredRelayTestbed;
let relay: Relay;

beforeAll(async () => {
  testbed = await startAnchoredRelay('anchored', QUEUES);
  ({ redis, graph, janus, relay } = testbed);
}, 30_000);
afterAll(async () => {
  await testbed?.stop();
});

async function until(check: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * WhatsApp's offer goes to the relay; the desk (a libwebrtc peer) answers the media server's offer for its leg through
 * the relay; the caller gets the answer Meta received in pre_accept, as WhatsApp would.
 */
async function answerThroughRelay(call: {
  webhookUrl: string;
  from: string;
  callId: string;
  client: ReturnType<typeof connectRelay>;
  events: CallSignal[];
  caller: Awaited<ReturnType<typeof createFarEnd>>;
  desk: ReturnType<typeof createTonePeer>;
}): Promise<void> {
  const { callId, client, events, caller, desk } = call;
  graph.offerCall(callId);
  const body = connectWebhook({
    callId,
    from: call.from,
    phoneNumberId: SECRETS.phoneNumberId,
    sdpOffer: caller.offerSdp,
  });
  expect((await postSignedWebhook(call.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
  await until(() => events.some((e) => e.type === 'call_offered' && e.callId === callId));
  const offered = events.find((e) => e.type === 'call_offered' && e.callId === callId)!;
  const answer = await desk.answer(offered.type === 'call_offered' ? offered.sdpOffer : '');
  await client.request('pre_accept', { callId, sdp: answer });
  await client.request('accept', { callId, sdp: answer });
  const sent = graph.requests.find((r) => {
    const text = JSON.stringify(r.body ?? '');
    return text.includes('pre_accept') && text.includes(callId);
  })?.body as { session: { sdp: string } };
  await caller.applyAnswer(sent.session.sdp);
}

describe('anchored calls on the relay', () => {
  it('when Janus dies mid-call, the call is terminated on WhatsApp once and the agent is told why; when it returns, the relay uses it again', async () => {
    const { client, events } = await connectTestAgent('asha', [relay.agentUrl]);
    const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
    const desk = new wrtc.RTCPeerConnection({ iceServers: [] });
    let restarted = false;
    try {
      const callId = 'wacid.anchored.lost';
      graph.offerCall(callId);
      const body = connectWebhook({
        callId,
        from: '447700900321',
        phoneNumberId: SECRETS.phoneNumberId,
        sdpOffer: caller.offerSdp,
      });
      expect((await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
      await until(() => events.some((e) => e.type === 'call_offered'));
      const offered = events.find((e) => e.type === 'call_offered')!;
      // The desk gets the media server's offer for its own leg, not WhatsApp's.
      expect(offered.type === 'call_offered' && offered.sdpOffer).toContain('cname:janus');
      await desk.setRemoteDescription({ type: 'offer', sdp: offered.type === 'call_offered' ? offered.sdpOffer : '' });
      await desk.setLocalDescription(await desk.createAnswer());
      await client.request('pre_accept', { callId, sdp: desk.localDescription!.sdp });
      await client.request('accept', { callId, sdp: desk.localDescription!.sdp });
      const answer = graph.requests.find((r) => JSON.stringify(r.body ?? '').includes('pre_accept'))?.body as {
        session: { sdp: string };
      };
      await caller.applyAnswer(answer.session.sdp);
      await until(() => caller.received.loudFrames > 0 || caller.connectionState === 'connected', 10_000);

      await janus.kill();
      await until(() => graph.actionsFor(callId).includes('terminate:200'), 10_000);
      expect(graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
      await until(() => events.some((e) => e.type === 'call_terminated'));
      expect(events.find((e) => e.type === 'call_terminated')).toMatchObject({
        status: 'FAILED',
        errors: [{ message: expect.stringContaining('media server stopped') }],
      });
      // The agent answered it, so they are in after-call work until they write it up.
      await client.request('wrap_up', { callId, outcome: 'Dropped', notes: '' });

      // Janus comes back: the relay reconnects by itself and anchors the next call there.
      await janus.start();
      restarted = true;
      // The relay tries a lost Janus again every 2 s, and Janus itself may start slowly on a busy machine: calls that
      // come before it is back are declined on WhatsApp; one of them within 20 s rings, anchored there.
      let next = '';
      for (let tries = 0; tries < 10 && !events.some((e) => e.type === 'call_offered' && e.callId === next); tries++) {
        next = `wacid.anchored.after-restart-${tries}`;
        graph.offerCall(next);
        const again = connectWebhook({
          callId: next,
          from: '447700900323',
          phoneNumberId: SECRETS.phoneNumberId,
          sdpOffer: caller.offerSdp,
        });
        expect((await postSignedWebhook(relay.webhookUrl, again, SECRETS.appSecret)).status).toBe(200);
        const asked = next;
        await until(
          () =>
            events.some((e) => e.type === 'call_offered' && e.callId === asked) ||
            graph.actionsFor(asked).some((a) => a.startsWith('reject')),
          5000,
        );
        if (graph.actionsFor(asked).some((a) => a.startsWith('reject'))) await new Promise((r) => setTimeout(r, 1000));
      }
      const reoffered = events.find((e) => e.type === 'call_offered' && e.callId === next);
      expect(reoffered?.type === 'call_offered' && reoffered.sdpOffer).toContain('cname:janus');
      await client.request('reject', { callId: next });
    } finally {
      client.close();
      caller.close();
      desk.close();
      if (!restarted) await janus.start();
    }
  }, 40_000);

  it.each([
    ['killed', 'kill'],
    ['stopped cleanly (a rolling restart)', 'stop'],
  ] as const)(
    'when the relay instance holding the call’s media session is %s, caller and agent go on hearing each other, and the call is ended later through another instance',
    async (_how, end) => {
      // Instance A in its own process, so it can really be killed; the test's own relay is instance B.
      const child = await startRelayProcess({
        ...SECRETS,
        redisUrl: redis.url,
        graphBaseUrl: graph.baseUrl,
        prefix: 'anchored',
        queues: TeamQueues.parse(QUEUES),
        janusUrls: [janus.url],
        janusAccess: janus.access,
      });
      const ready = { webhook: child.webhookUrl, agents: child.agentUrl };
      const { client, events } = await connectTestAgent('ben', [ready.agents, relay.agentUrl]);
      const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
      let noMedia = false;
      const desk = createTonePeer(300);
      try {
        const callId = `wacid.anchored.instance-${end}`;
        await answerThroughRelay({
          webhookUrl: ready.webhook,
          from: '447700900322',
          callId,
          client,
          events,
          caller,
          desk,
        });
        await until(() => heardTone(caller.received, 300) > 0.05 && desk.heard(440) > 0.05, 10_000);

        // Garbage beside the real registrations (another tool, a hand edit) must not stop the take-over.
        const tamper = new Redis(redis.url);
        await tamper.hset(
          `${deploymentKeyPrefix('anchored')}:janus-sessions`,
          '{not json',
          '1',
          '["x","file:///etc",1]',
          '1',
        );
        tamper.disconnect();
        await child[end]();
        // Longer than Janus's reclaim window (10 s here): without a claim the session, and both legs, would be gone (a
        // clean stop was measured dropping them about 25 s later, so that case waits longer).
        // A dropped session silences both ends for good; a machine busy with other work may starve one 10 ms frame
        // of audio now and then, so only silence at both ends for 2 s running counts.
        const watchUntil = Date.now() + (end === 'stop' ? 30_000 : 15_000);
        let silentSince: number | undefined;
        while (Date.now() < watchUntil) {
          await new Promise((r) => setTimeout(r, 250));
          const silent = heardTone(caller.received, 300) < 0.02 && desk.heard(440) < 0.02;
          silentSince = silent ? (silentSince ?? Date.now()) : undefined;
          noMedia ||= silentSince !== undefined && Date.now() - silentSince >= 2000;
        }
        expect(heardTone(caller.received, 300)).toBeGreaterThan(0.05);
        expect(desk.heard(440)).toBeGreaterThan(0.05);
        expect(caller.connectionState).toBe('connected');
        expect(graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200']);

        // The desk moved to instance B, which ends the call on WhatsApp and closes the room: the legs fall silent.
        await until(() => relay.connectedAgents().includes('ben'), 5000);
        await client.request('terminate', { callId });
        expect(graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
        await until(() => heardTone(caller.received, 300) < 0.004, 5000);
        expect(noMedia).toBe(false);
        await client.request('wrap_up', { callId, outcome: 'Resolved', notes: '' });
      } finally {
        await child.kill();
        client.close();
        caller.close();
        desk.close();
      }
    },
    80_000,
  );

  it('the team’s Janus instances are registered in Redis: one added is used within seconds, a drained one takes no new calls, and a bad address is refused', async () => {
    const second = await startTestJanus();
    const redisClient = new Redis(redis.url);
    const registry = createJanusRegistry(redisClient, deploymentKeyPrefix('anchored'), janus.access.adminKey);
    const roomOf = async (callId: string) => {
      const raw = await redisClient.get(`${deploymentKeyPrefix('anchored')}:anchor:${callId}`);
      return raw ? (JSON.parse(raw) as { url: string }).url : undefined;
    };
    const offer = async (callId: string) => {
      graph.offerCall(callId);
      const body = connectWebhook({
        callId,
        from: '447700900324',
        phoneNumberId: SECRETS.phoneNumberId,
        sdpOffer: 'v=0\r\n',
      });
      expect((await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
      for (let i = 0; i < 100 && !(await roomOf(callId)); i += 1) await new Promise((r) => setTimeout(r, 20));
      return roomOf(callId);
    };
    const end = (callId: string) =>
      postSignedWebhook(
        relay.webhookUrl,
        terminateWebhook({ callId, from: '447700900324', phoneNumberId: SECRETS.phoneNumberId, status: 'COMPLETED' }),
        SECRETS.appSecret,
      );
    try {
      expect([...(await registry.list()).keys()]).toEqual([janus.url]);
      await expect(registry.add('http://not-janus.example')).rejects.toThrow('ws:// or wss://');
      await registry.add(second.url);
      await registry.drain(janus.url);
      // Within the relay's 2 s look at the registry, new calls go to the added Janus only.
      await new Promise((r) => setTimeout(r, 2500));
      expect(await offer('wacid.registry.1')).toBe(second.url);
      expect(await offer('wacid.registry.2')).toBe(second.url);
      await registry.add(janus.url);
      await new Promise((r) => setTimeout(r, 2500));
      // Both active: the least loaded one (the first, with no calls) takes the next call.
      expect(await offer('wacid.registry.3')).toBe(janus.url);
      for (const id of ['wacid.registry.1', 'wacid.registry.2', 'wacid.registry.3']) await end(id);
    } finally {
      await registry.remove(second.url);
      redisClient.disconnect();
      await new Promise((r) => setTimeout(r, 2500));
      await second.stop();
    }
  }, 40_000);
});

describe('recording anchored calls', () => {
  it('refuses to record without a consent notice for the customer', async () => {
    await expect(
      startRelay({
        ...SECRETS,
        redisUrl: redis.url,
        graphBaseUrl: graph.baseUrl,
        logger: createMemoryLogger(),
        prefix: 'no-consent',
        janusUrls: [janus.url],
        janusAccess: janus.access,
        queues: TeamQueues.parse(QUEUES),
        janusRecordingDir: tmpdir(),
      }),
    ).rejects.toThrow('RELAY_JANUS_CONSENT_NOTICE');
  });

  it('plays the consent notice to the customer, records the room, serves the recording to a supervisor only, and a hostile board page cannot disturb the call', async () => {
    const postgres = await startTestPostgres();
    const dir = mkdtempSync(join(tmpdir(), 'recordings-'));
    const recorded = await startRelay({
      ...SECRETS,
      redisUrl: redis.url,
      graphBaseUrl: graph.baseUrl,
      logger: createMemoryLogger(),
      prefix: 'recorded',
      janusUrls: [janus.url],
      janusAccess: janus.access,
      queues: TeamQueues.parse(QUEUES),
      databaseUrl: postgres.url,
      janusRecordingDir: dir,
      janusConsentNotice: holdMusicFile(900, 1),
    });
    const { client, events } = await connectTestAgent('asha', [recorded.agentUrl]);
    const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
    const desk = createTonePeer(300);
    const base = recorded.agentUrl.replace(/^ws/, 'http').replace(/\/$/, '');
    const get = (path: string, token?: string) =>
      fetch(`${base}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    try {
      const callId = 'wacid.anchored.recorded';
      await answerThroughRelay({
        webhookUrl: recorded.webhookUrl,
        from: '447700900325',
        callId,
        client,
        events,
        caller,
        desk,
      });
      // The customer hears the notice once their leg is up, then the agent.
      await until(() => heardTone(caller.received, 900) > 0.02, 10_000);
      await until(() => heardTone(caller.received, 300) > 0.05 && heardTone(caller.received, 900) < 0.004, 10_000);
      await new Promise((r) => setTimeout(r, 1500));

      // Hostile supervisor pages: a garbage answer to the listening offer ends that line with a sentence and leaves
      // the call alone; another page cannot barge on a line it did not open.
      const supervisor = await issueSupervisorToken('sam', SECRETS.agentSecret);
      const boardSocket = async () => {
        const ws = new WebSocket(`${recorded.agentUrl}board/live`, { headers: { Origin: base } });
        const messages: Array<{ type: string; reason?: string; message?: string }> = [];
        ws.on('message', (d) => messages.push(JSON.parse(String(d)) as (typeof messages)[number]));
        await new Promise((resolve) => ws.once('open', resolve));
        ws.send(JSON.stringify({ type: 'hello', token: supervisor }));
        await until(() => messages.some((m) => m.type === 'welcome'));
        return { ws, messages };
      };
      const first = await boardSocket();
      const second = await boardSocket();
      first.ws.send(JSON.stringify({ type: 'listen', callId }));
      await until(() => first.messages.some((m) => m.type === 'listen_offer'), 5000);
      second.ws.send(JSON.stringify({ type: 'barge', callId }));
      await until(() => second.messages.some((m) => m.message === 'You are not listening to that call.'));
      first.ws.send(JSON.stringify({ type: 'listen_answer', callId, sdp: 'v=0\r\nthis is not an answer' }));
      await until(() => first.messages.some((m) => m.type === 'listen_ended'), 5000);
      expect(first.messages.find((m) => m.type === 'listen_ended')?.reason).toBe(
        'The listening line could not be set up; try again.',
      );
      first.ws.close();
      second.ws.close();

      // A supervisor who barged in and closes the page is gone from the call: not heard any more, and the agent is
      // told.
      const third = await boardSocket();
      const supervisorPeer = createTonePeer(1100);
      try {
        third.ws.send(JSON.stringify({ type: 'listen', callId }));
        await until(() => third.messages.some((m) => m.type === 'listen_offer'), 5000);
        const listenOffer = third.messages.find((m) => m.type === 'listen_offer') as unknown as { sdp: string };
        third.ws.send(
          JSON.stringify({ type: 'listen_answer', callId, sdp: await supervisorPeer.answer(listenOffer.sdp) }),
        );
        await until(() => third.messages.some((m) => m.type === 'listening'), 5000);
        await until(() => supervisorPeer.heard(440) > 0.05, 10_000);
        expect(heardTone(caller.received, 1100)).toBeLessThan(0.004);
        third.ws.send(JSON.stringify({ type: 'barge', callId }));
        await until(() => heardTone(caller.received, 1100) > 0.05, 10_000);
        await until(() => events.some((e) => e.type === 'supervisor_on_call' && e.supervisor === 'sam'));
        third.ws.close();
        await until(() => heardTone(caller.received, 1100) < 0.004, 5000);
        await until(() => events.some((e) => e.type === 'supervisor_on_call' && e.supervisor === ''));
      } finally {
        supervisorPeer.close();
      }
      await new Promise((r) => setTimeout(r, 500));
      expect(heardTone(caller.received, 300)).toBeGreaterThan(0.05);
      expect(desk.heard(440)).toBeGreaterThan(0.05);
      await client.request('terminate', { callId });

      const path = `/board/api/recording?callId=${callId}`;
      let response = await get(path, supervisor);
      for (let i = 0; i < 50 && response.status === 404; i += 1) {
        await new Promise((r) => setTimeout(r, 100));
        response = await get(path, supervisor);
      }
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('audio/wav');
      const wav = wavTones(Buffer.from(await response.arrayBuffer()));
      // The recording starts with the notice the customer heard, and holds both voices after it.
      expect(wav.level(0.3, 900)).toBeGreaterThan(0.02);
      const late = wav.seconds - 0.5;
      expect(wav.level(late, 440)).toBeGreaterThan(0.02);
      expect(wav.level(late, 300)).toBeGreaterThan(0.02);

      // Nobody else gets it: no token, an agent's token, a malformed or unknown call.
      expect((await get(path)).status).toBe(401);
      expect((await get(path, await issueAgentToken('asha', SECRETS.agentSecret))).status).toBe(401);
      expect((await get('/board/api/recording?callId=../../etc/passwd', supervisor)).status).toBe(400);
      expect((await get('/board/api/recording?callId=wacid.unknown', supervisor)).status).toBe(404);
    } finally {
      client.close();
      caller.close();
      desk.close();
      await recorded.close();
      await postgres.stop();
    }
  }, 60_000);

  it('every key its relays wrote (calls anchored, Janus sessions and registry, legs taken over) carries its deployment’s hash tag', async () => {
    const reader = new Redis(redis.url);
    try {
      const keys = await everyRedisKey(reader);
      expect(keyKindsOf(keys)).toEqual(
        expect.arrayContaining(['{anchored}:janus-load', '{anchored}:janus-servers', '{anchored}:janus-sessions']),
      );
      const deployments = ['anchored', 'recorded'].map(deploymentKeyPrefix);
      expect(keys.filter((k) => !deployments.some((d) => k.startsWith(`${d}:`)))).toEqual([]);
    } finally {
      reader.disconnect();
    }
  });
});
