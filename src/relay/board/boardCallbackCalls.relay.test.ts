import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSdpFixture } from '../../../fixtures/load';
import { TeamQueues } from '../../shared/teamQueues';
import { issueSupervisorToken } from '../agentTokens';
import { connectTestAgent } from '../testAgent';
import {
  callbackFromTurnedAwayCall,
  callbackOffersTo,
  until,
  startCallbackTeam,
  type CallbackTeam,
} from '../testCallbacks';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { permissionReplyWebhook, postSignedWebhook } from '../../../sim/webhookSender';
import { signInTestBoard } from './testBoard';

const QUEUES = TeamQueues.parse({
  defaultQueue: 'care',
  queues: [
    {
      id: 'care',
      name: 'Care',
      routing: 'ring_all',
      agents: { asha: 1, ben: 1 },
      maxWait: { seconds: 10, action: 'callback' },
    },
    { id: 'sales', name: 'Sales', routing: 'ring_all', payloads: ['sales'], agents: { ben: 1 } },
  ],
});

let floor: CallbackTeam;

beforeAll(async () => {
  floor = await startCallbackTeam({ queues: QUEUES, database: 'board_callback_calls', prefix: 'boardcb' });
}, 60_000);
afterAll(async () => {
  await floor?.close();
});

describe('calls agents place, on the supervisor board', () => {
  it('marks the call an agent places for a queue’s callback as a callback, and another call she places not', async () => {
    const { relay, sim } = floor;
    const asha = await connectTestAgent('asha', [relay.agentUrl]);
    const ben = await connectTestAgent('ben', [relay.agentUrl]);
    const board = await signInTestBoard(
      relay.agentUrl,
      await issueSupervisorToken('sam', RELAY_TEST_SECRETS.agentSecret),
    );
    // A supervisor of Care only: a callback of Care is theirs to see, an agent's own outbound call is not.
    const careBoard = await signInTestBoard(
      relay.agentUrl,
      await issueSupervisorToken('cora', RELAY_TEST_SECRETS.agentSecret, { queues: ['care'] }),
    );
    try {
      // A caller nobody took waits past the queue's maximum (the routing clock moved) and asks to be called back.
      const customer = '447700900871';
      const id = await callbackFromTurnedAwayCall(floor, customer, { waitMs: 11_000, messageId: 'wamid.tap871' });
      asha.client.setStatus('available');
      await until(() => callbackOffersTo(asha).some((o) => o.callbackId === id), 'Asha is offered the callback');
      await asha.client.request('callback_answer', { callbackId: id, answer: 'accept' });
      const sdp = loadSdpFixture('03-meta-doc-business-initiated-offer.sdp');
      sim.graph.setPermission(customer, 'temporary');
      const { callId: callbackCall } = (await asha.client.request('connect', {
        to: customer,
        sdp,
        callbackId: id,
      })) as {
        callId: string;
      };
      // Ben calls a customer of his own: an outbound call, not a callback.
      sim.graph.setPermission('447700900872', 'temporary');
      const { callId: ownCall } = (await ben.client.request('connect', { to: '447700900872', sdp })) as {
        callId: string;
      };
      const row = (callId: string) => board.snapshot()?.inProgress.find((c) => c.callId === callId);
      await until(() => row(callbackCall) !== undefined && row(ownCall) !== undefined, 'the board lists both calls');
      expect(row(callbackCall)).toMatchObject({ agent: 'asha', direction: 'outbound', callback: true, queue: 'care' });
      expect(row(ownCall)).toMatchObject({ agent: 'ben', direction: 'outbound' });
      expect(row(ownCall)?.callback).toBeUndefined();
      await until(
        () => careBoard.snapshot()?.inProgress.some((c) => c.callId === callbackCall) === true,
        'Care’s supervisor sees the callback call',
      );
      expect(careBoard.snapshot()?.inProgress.map((c) => c.callId)).toEqual([callbackCall]);
    } finally {
      board.ws.close();
      careBoard.ws.close();
      asha.client.close();
      ben.client.close();
    }
  }, 90_000);
});

describe('callbacks on the supervisor board', () => {
  let permissionFloor: CallbackTeam;
  beforeAll(async () => {
    permissionFloor = await startCallbackTeam({ queues: QUEUES, database: 'board_callback_wait', prefix: 'boardcbw' });
  }, 60_000);
  afterAll(async () => {
    await permissionFloor?.close();
  });

  it('says a callback waits for the customer’s permission while it does, not for a free agent', async () => {
    const { relay } = permissionFloor;
    const asha = await connectTestAgent('asha', [relay.agentUrl]);
    const board = await signInTestBoard(
      relay.agentUrl,
      await issueSupervisorToken('sam', RELAY_TEST_SECRETS.agentSecret),
    );
    try {
      const customer = '447700900873';
      const id = await callbackFromTurnedAwayCall(permissionFloor, customer, {
        waitMs: 11_000,
        messageId: 'wamid.tap873',
      });
      asha.client.setStatus('available');
      await until(() => callbackOffersTo(asha).some((o) => o.callbackId === id), 'Asha is offered the callback');
      await asha.client.request('callback_answer', { callbackId: id, answer: 'accept' });
      // Her desk found no call permission and sent a call-permission request: the callback waits for the answer.
      await asha.client.request('callback_answer', {
        callbackId: id,
        answer: 'not_placed',
        why: 'permission_requested',
      });
      const row = () => board.snapshot()?.callbacks.find((c) => c.callbackId === id);
      await until(() => row()?.state === 'awaiting_permission', 'the board says it waits for the customer');
      expect(row()?.agent).toBeUndefined();
      // The customer allows the call (Meta's permission reply webhook): it waits for an agent again, or is offered.
      const reply = permissionReplyWebhook({
        customer,
        phoneNumberId: RELAY_TEST_SECRETS.phoneNumberId,
        response: 'accept',
      });
      expect((await postSignedWebhook(permissionFloor.webhookUrl, reply, RELAY_TEST_SECRETS.appSecret)).status).toBe(
        200,
      );
      await until(() => row() !== undefined && row()?.state !== 'awaiting_permission', 'the permission is known');
    } finally {
      board.ws.close();
      asha.client.close();
    }
  }, 90_000);
});
