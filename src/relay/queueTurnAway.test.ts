import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../sim/graphApiSim';
import type { RecordEvent } from '../shared/callRecords';
import { TeamQueues } from '../shared/teamQueues';
import { createGraphClient } from '../whatsapp/graphClient';
import { createMemoryLogger } from '../whatsapp/logger';
import { createQueueTurnAway } from './queueTurnAway';
import { RELAY_TEST_SECRETS } from './testSecrets';

const SECRETS = RELAY_TEST_SECRETS;
const CLOSED = 'We are closed now.';
const [care] = TeamQueues.parse({
  defaultQueue: 'care',
  queues: [
    {
      id: 'care',
      name: 'Care',
      agents: '*',
      hours: {
        timeZone: 'UTC',
        open: [{ days: ['mon'], from: '09:00', to: '10:00' }],
        closed: { action: 'message', message: CLOSED },
      },
      maxWait: { seconds: 60 },
    },
  ],
}).queues;

let graph: GraphApiSim;
beforeAll(async () => {
  graph = await startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId });
});
afterAll(() => graph?.close());

function turnAwayWith(accepted: boolean) {
  const records: RecordEvent[] = [];
  const log = createMemoryLogger();
  const client = createGraphClient({
    accessToken: SECRETS.accessToken,
    phoneNumberId: SECRETS.phoneNumberId,
    baseUrl: graph.baseUrl,
  });
  const turnAway = createQueueTurnAway({
    store: { wasAccepted: async () => accepted, markTurnedAway: async () => undefined, offer: async () => undefined },
    graphFor: async () => client,
    records: { record: (event) => records.push(event) },
    log,
  });
  return { turnAway, records, log };
}
/** What the simulated Meta took for a call and its customer, in order, with its answer. */
const seen = (callId: string, customer: string) =>
  graph.requests
    .filter((r) => {
      const body = r.body as { call_id?: string; to?: string } | undefined;
      return body?.call_id === callId || body?.to === customer;
    })
    .map(
      (r) =>
        `${(r.body as { type?: string; action?: string }).type ?? (r.body as { action: string }).action}:${r.status}`,
    );

describe('ending on WhatsApp a call the queue will not take', () => {
  it('a customer WhatsApp refuses the text to (no open window) is rejected all the same, and the record says why', async () => {
    const { turnAway, records, log } = turnAwayWith(false);
    graph.offerCall('wacid.away.1');
    graph.closeServiceWindow('447700900901');
    await turnAway({ callId: 'wacid.away.1', customer: '447700900901', queue: care!, reason: 'closed' });
    expect(seen('wacid.away.1', '447700900901')).toEqual(['text:400', 'reject:200']);
    expect(records).toMatchObject([{ kind: 'turned_away', callId: 'wacid.away.1', reason: 'closed' }]);
    expect(log.records.some((r) => r.msg.includes('message to the customer was not sent'))).toBe(true);
  });

  it('a call a bot had answered is terminated, not rejected; a queue without a message sends none', async () => {
    const { turnAway } = turnAwayWith(true);
    graph.offerCall('wacid.away.2').state = 'accepted';
    await turnAway({ callId: 'wacid.away.2', customer: '447700900902', queue: care!, reason: 'max_wait' });
    expect(seen('wacid.away.2', '447700900902')).toEqual(['terminate:200']);
  });

  it('a passing failure of Meta is tried once more; a second one is logged, never thrown', async () => {
    const once = turnAwayWith(false);
    graph.offerCall('wacid.away.3');
    graph.addFault({ action: 'reject', status: 500, times: 1 });
    await once.turnAway({ callId: 'wacid.away.3', customer: '447700900903', queue: care!, reason: 'max_wait' });
    expect(seen('wacid.away.3', '447700900903')).toEqual(['reject:500', 'reject:200']);

    const twice = turnAwayWith(false);
    graph.offerCall('wacid.away.4');
    graph.addFault({ action: 'reject', status: 500, times: 2 });
    await twice.turnAway({ callId: 'wacid.away.4', customer: '447700900904', queue: care!, reason: 'max_wait' });
    expect(seen('wacid.away.4', '447700900904')).toEqual(['reject:500', 'reject:500']);
    expect(twice.log.records.some((r) => r.level === 'error' && r.msg.includes('could not be ended'))).toBe(true);
    expect(twice.records).toMatchObject([{ kind: 'turned_away', reason: 'max_wait' }]);
  });
});
