import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphApiSim } from '../../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook } from '../../../sim/webhookSender';
import { TeamQueues } from '../../shared/teamQueues';
import { issueSupervisorToken } from '../agentTokens';
import type { Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { startTestTeamRelays, type TestTeamRelays } from '../testTeamRelays';

const SECRETS = RELAY_TEST_SECRETS;
// The queues file gives Care no hours: it is open until an admin says otherwise.
const QUEUES = TeamQueues.parse({
  defaultQueue: 'care',
  queues: [{ id: 'care', name: 'Care', routing: 'ring_all', agents: { asha: 1 } }],
});
const BASE_SETTINGS = { notReadyReasons: ['break'], wrapUpCodes: ['Resolved'] };
const tokyoDay = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(ms);
/** Open one minute a week, and today and tomorrow are holidays in Tokyo: whatever the clock says, closed now. */
const NEVER_OPEN = {
  timeZone: 'Asia/Tokyo',
  open: [{ days: ['mon'], from: '00:00', to: '00:01' }],
  holidays: [tokyoDay(Date.now()), tokyoDay(Date.now() + 86_400_000)],
};

let team: TestTeamRelays;
let graph: GraphApiSim;
let first: Relay;
let second: Relay;

beforeAll(async () => {
  // Two instances, each with its own parsed copy of the queues file, as two processes have.
  team = await startTestTeamRelays({
    count: 2,
    queues: QUEUES,
    database: 'queue_hours_settings',
    prefix: 'hours-settings',
  });
  ({ graph } = team);
  [first, second] = team.relays as [Relay, Relay];
}, 60_000);
afterAll(async () => {
  await team?.close();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await pause(50);
  }
}
const httpOf = (relay: Relay) => team.httpOf(relay);
async function put(body: unknown): Promise<Response> {
  const token = await team.adminToken();
  return fetch(`${httpOf(first)}/board/api/settings`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}
let calls = 0;
/** A customer's call delivered to the second instance; resolves with its id. */
async function call(): Promise<string> {
  calls += 1;
  const callId = `wacid.hours.settings.${calls}`;
  graph.offerCall(callId);
  const webhook = connectWebhook({
    callId,
    from: `4477009006${String(calls).padStart(2, '0')}`,
    phoneNumberId: SECRETS.phoneNumberId,
    sdpOffer: 'v=0\r\n',
  });
  expect((await postSignedWebhook(second.webhookUrl, webhook, SECRETS.appSecret)).status).toBe(200);
  return callId;
}

describe('business hours an admin sets on the board, applied by every instance without a restart', () => {
  it('before any save, shows what is in force, and a first save of the thresholds alone keeps it', async () => {
    const admin = await team.adminToken();
    const read = async () =>
      (await (
        await fetch(`${httpOf(second)}/board/api/settings`, { headers: { Authorization: `Bearer ${admin}` } })
      ).json()) as { version: number; settings: Record<string, unknown> };
    // Version 0: the relay's own reasons, the default outcome codes (a tester found an empty form here).
    expect(await read()).toMatchObject({
      version: 0,
      settings: {
        notReadyReasons: ['break', 'lunch', 'training', 'meeting', 'busy', 'away'],
        wrapUpCodes: ['Resolved', 'Follow-up needed', 'Sales', 'Complaint'],
      },
    });
    const thresholdsOnly = await put({ boardThresholds: { serviceLevelTargetPct: 85, maxWaitSec: 60 }, basedOn: 0 });
    expect(thresholdsOnly.status).toBe(200);
    expect(await read()).toMatchObject({
      version: 1,
      settings: {
        notReadyReasons: ['break', 'lunch', 'training', 'meeting', 'busy', 'away'],
        boardThresholds: { serviceLevelTargetPct: 85 },
      },
    });
  });

  it('refuses hours for a queue the queues file does not have, and a wrong period, naming the field', async () => {
    const unknown = await put({ ...BASE_SETTINGS, queueHours: { billing: { hours: NEVER_OPEN } } });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      problems: ['queueHours.billing: no queue billing in the queues file'],
      issues: [{ path: ['queueHours', 'billing'], rule: 'unknownQueue', params: { queue: 'billing' } }],
    });
    const backwards = await put({
      ...BASE_SETTINGS,
      queueHours: { care: { hours: { ...NEVER_OPEN, open: [{ days: ['mon'], from: '18:00', to: '09:00' }] } } },
    });
    // What the queue does when closed belongs inside `hours`: put beside it, it is named rather than dropped.
    const beside = await put({
      ...BASE_SETTINGS,
      queueHours: { care: { hours: NEVER_OPEN, closed: { action: 'message', message: 'Closed today.' } } },
    });
    expect(beside.status).toBe(400);
    expect(await beside.json()).toEqual({
      problems: ['queueHours.care: Unrecognized key: "closed"'],
      issues: [{ path: ['queueHours', 'care'], rule: 'unknownKey', params: { keys: 'closed' } }],
    });
    expect(backwards.status).toBe(400);
    expect(await backwards.json()).toEqual({
      problems: ['queueHours.care.hours.open.0.to: opens before it closes (a period past midnight is two periods)'],
      issues: [{ path: ['queueHours', 'care', 'hours', 'open', 0, 'to'], rule: 'opensBeforeCloses' }],
    });
  });

  it('hours saved on one instance close the queue on the other within seconds; cleared, calls ring again', async () => {
    const asha = await connectTestAgent('asha', [second.agentUrl]);
    try {
      const rings = (callId: string) => asha.events.some((e) => e.type === 'call_offered' && e.callId === callId);
      const open = await call();
      await until(() => rings(open), 'an open queue’s call rings');
      await asha.client.request('reject', { callId: open }).catch(() => undefined);

      const text = 'We are closed today. Please call again tomorrow.';
      const saved = await put({
        ...BASE_SETTINGS,
        queueHours: { care: { hours: { ...NEVER_OPEN, closed: { action: 'message', message: text } } } },
      });
      expect(saved.status).toBe(200);
      // Settings are looked for every 2 s: a call some seconds later finds the queue closed, with no restart.
      let closed = '';
      await until(
        async () => {
          const id = await call();
          await until(() => graph.actionsFor(id).length > 0 || rings(id), 'the call is rung or rejected');
          if (rings(id)) await asha.client.request('reject', { callId: id }).catch(() => undefined);
          closed = graph.actionsFor(id).includes('reject:200') && !rings(id) ? id : '';
          return closed !== '';
        },
        'the admin’s hours apply on the other instance',
        15_000,
      );
      expect(graph.textMessages.filter((m) => m.kind === 'text').map((m) => m.kind === 'text' && m.body)).toContain(
        text,
      );

      // Cleared: no queue's hours overridden any more (a change leaving queueHours out would keep them).
      expect((await put({ ...BASE_SETTINGS, queueHours: {} })).status).toBe(200);
      let ringsAgain = false;
      await until(
        async () => {
          const id = await call();
          await until(() => graph.actionsFor(id).length > 0 || rings(id), 'the call is rung or rejected');
          ringsAgain = rings(id);
          if (ringsAgain) await asha.client.request('reject', { callId: id }).catch(() => undefined);
          return ringsAgain;
        },
        'the queues file’s hours (none) are back',
        15_000,
      );
    } finally {
      asha.client.close();
    }
  }, 60_000);

  it('hours kept for a queue since removed from the file do not block a change of other fields', async () => {
    // An earlier version gave hours to Billing, a queue the file no longer has.
    await team.sql(`INSERT INTO team_settings (settings, changed_by) VALUES ($1, 'ada')`, [
      JSON.stringify({ ...BASE_SETTINGS, queueHours: { billing: { hours: NEVER_OPEN } } }),
    ]);
    // A change of the reasons only lands; one that gives Billing's hours again is still refused, by name.
    expect((await put({ notReadyReasons: ['break', 'training'] })).status).toBe(200);
    // A supervisor reads the hours of the queues their board shows, and no others'.
    const hoursSeenBy = async (token: string) =>
      (
        (await (
          await fetch(`${httpOf(first)}/board/api/settings`, { headers: { Authorization: `Bearer ${token}` } })
        ).json()) as { settings: { queueHours?: Record<string, unknown> } }
      ).settings.queueHours;
    const secret = RELAY_TEST_SECRETS.agentSecret;
    expect(Object.keys((await hoursSeenBy(await issueSupervisorToken('sam', secret))) ?? {})).toEqual(['billing']);
    expect(await hoursSeenBy(await issueSupervisorToken('sue', secret, { queues: ['care'] }))).toEqual({});
    const again = await put({ queueHours: { billing: { hours: NEVER_OPEN } } });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({
      problems: ['queueHours.billing: no queue billing in the queues file'],
      issues: [{ path: ['queueHours', 'billing'], rule: 'unknownQueue', params: { queue: 'billing' } }],
    });
  });
});
