import { describe, expect, it } from 'vitest';
import { callbackChoice, callbackOfferMessage, type QueueCallback } from '../../shared/queueCallbacks';
import { ButtonMessageBody } from '../../shared/graphSchemas';
import { QueueCallbackOffer, QueueConfig } from '../../shared/teamQueues';
import {
  afterFailure,
  callbacksDue,
  offerTo,
  passedOn,
  permissionAnswered,
  planCallbackOffers,
  takenBy,
  withdrawnAtClosing,
} from './callbackPlan';

const NOW = Date.parse('2026-12-07T10:00:00Z');
const care = QueueConfig.parse({ id: 'care', name: 'Care', agents: { asha: 1, ben: 5, cleo: 1 } });
const sales = QueueConfig.parse({ id: 'sales', name: 'Sales', agents: { dev: 1 } });
let n = 0;
function callback(over: Partial<QueueCallback>): QueueCallback {
  n += 1;
  return {
    id: `cb${String(n).padStart(16, '0')}`,
    queueId: 'care',
    customer: `4477009000${n}`,
    callId: `wacid.${n}`,
    arrivedAtMs: NOW - 60_000,
    requestedAtMs: NOW - 30_000,
    expiresAtMs: NOW + 3600_000,
    state: 'waiting',
    passedBy: [],
    attempts: 0,
    ...over,
  };
}
const plan = (callbacks: QueueCallback[], freeAgents: string[]) =>
  planCallbackOffers({ callbacks, queues: [care, sales], freeAgents, nowMs: NOW });

describe('which callback goes to which free agent', () => {
  it('offers the callback whose call arrived first, whatever order they were asked for in', () => {
    const later = callback({ arrivedAtMs: NOW - 10_000, requestedAtMs: NOW - 60_000 });
    const earlier = callback({ arrivedAtMs: NOW - 50_000, requestedAtMs: NOW - 5_000 });
    expect(plan([later, earlier], ['asha'])).toEqual([{ callbackId: earlier.id, agentId: 'asha' }]);
  });

  it('gives each free agent one callback, the most skilled first, then the longest idle', () => {
    const first = callback({ arrivedAtMs: NOW - 50_000 });
    const second = callback({ arrivedAtMs: NOW - 40_000 });
    const third = callback({ arrivedAtMs: NOW - 30_000 });
    expect(plan([third, second, first], ['cleo', 'asha', 'ben'])).toEqual([
      { callbackId: first.id, agentId: 'ben' },
      { callbackId: second.id, agentId: 'cleo' },
      { callbackId: third.id, agentId: 'asha' },
    ]);
  });

  it('skips agents who passed it on, agents holding another callback, and agents of other queues', () => {
    const held = callback({ state: 'offered', agentId: 'ben', untilMs: NOW + 10_000 });
    const passed = callback({ passedBy: ['cleo'] });
    const salesOne = callback({ queueId: 'sales' });
    expect(plan([held, passed, salesOne], ['ben', 'cleo', 'dev', 'asha'])).toEqual([
      { callbackId: passed.id, agentId: 'asha' },
      { callbackId: salesOne.id, agentId: 'dev' },
    ]);
  });

  it('comes round again when every free agent of its queue has passed it on, from the one who passed it longest ago', () => {
    // Asha (level 1 in Care) passed it first, then Ben (level 5): both free again, it is Asha's, Ben passing it last.
    expect(plan([callback({ passedBy: ['asha', 'ben'] })], ['ben', 'asha'])).toEqual([
      { callbackId: expect.any(String) as string, agentId: 'asha' },
    ]);
    // Alone in the queue and free, the one who passed it gets it again rather than the customer waiting till it expires.
    expect(plan([callback({ passedBy: ['asha'] })], ['asha'])).toHaveLength(1);
    // A free colleague who has not passed it still comes first; one holding another callback is still skipped.
    expect(plan([callback({ passedBy: ['asha'] })], ['asha', 'cleo'])).toEqual([
      { callbackId: expect.any(String) as string, agentId: 'cleo' },
    ]);
    const held = callback({ state: 'offered', agentId: 'asha', untilMs: NOW + 10_000 });
    expect(plan([held, callback({ passedBy: ['asha'] })], ['asha'])).toEqual([]);
    // A newer callback Asha has not passed goes to her first; the one she passed waits for the next round.
    const older = callback({ arrivedAtMs: NOW - 90_000, passedBy: ['asha'] });
    const newer = callback({ arrivedAtMs: NOW - 10_000 });
    expect(plan([older, newer], ['asha'])).toEqual([{ callbackId: newer.id, agentId: 'asha' }]);
    // Passing it again moves the agent to the end of the round.
    const again = passedOn(callback({ passedBy: ['asha', 'ben'] }), 'asha');
    expect(again.passedBy).toEqual(['ben', 'asha']);
  });

  it('offers nothing expired, nothing of a queue no longer configured, and nothing without a free agent', () => {
    expect(plan([callback({ expiresAtMs: NOW })], ['asha'])).toEqual([]);
    expect(plan([callback({ queueId: 'gone' })], ['asha'])).toEqual([]);
    expect(plan([callback({})], [])).toEqual([]);
  });
});

describe('callbacks and the queue’s business hours', () => {
  // Weekdays 09:00 to 17:30 in London; NOW (Monday 7 December, 10:00 GMT) is open, Saturday 12 December is not.
  const hours = {
    timeZone: 'Europe/London',
    open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:30' }],
  };
  const openCare = QueueConfig.parse({ ...care, hours });
  const SATURDAY = Date.parse('2026-12-12T12:00:00Z');

  it('offers no callback while its queue is closed, and offers it once the queue opens', () => {
    const waiting = callback({ expiresAtMs: Date.parse('2026-12-16T16:00:00Z') });
    const at = (nowMs: number) =>
      planCallbackOffers({ callbacks: [waiting], queues: [openCare], freeAgents: ['asha'], nowMs });
    expect(at(SATURDAY)).toEqual([]);
    expect(at(Date.parse('2026-12-14T08:59:59Z'))).toEqual([]);
    expect(at(Date.parse('2026-12-14T09:00:00Z'))).toEqual([{ callbackId: waiting.id, agentId: 'asha' }]);
  });

  it('withdraws offers and calls not yet placed when the queue closes, and leaves a placed call alone', () => {
    const offered = offerTo(callback({}), 'asha', SATURDAY + 10_000);
    const taken = takenBy(callback({}), 'ben', SATURDAY + 60_000);
    const placed = { ...takenBy(callback({}), 'cleo', SATURDAY + 60_000), placedCallId: 'wacid.out' };
    const due = callbacksDue([offered, taken, placed, callback({})], SATURDAY, [openCare]);
    expect(due.closing.map((c) => c.id)).toEqual([offered.id, taken.id]);
    expect(callbacksDue([offered, taken], NOW, [openCare]).closing).toEqual([]);
    expect(withdrawnAtClosing(taken)).toMatchObject({
      state: 'waiting',
      agentId: undefined,
      passedBy: [],
      attempts: 0,
    });
  });
});

describe('a callback’s life', () => {
  it('goes to the next agent after a decline, and waits again with why after a failed call, three attempts at most', () => {
    const offered = offerTo(callback({}), 'ben', NOW + 15_000);
    const declined = passedOn(offered, 'ben');
    expect(declined).toMatchObject({ state: 'waiting', passedBy: ['ben'], agentId: undefined });
    expect(plan([declined], ['ben', 'asha'])).toEqual([{ callbackId: declined.id, agentId: 'asha' }]);
    let taken = takenBy(offerTo(declined, 'asha', NOW), 'asha', NOW + 60_000);
    const once = afterFailure(taken, 'not_answered')!;
    expect(once).toMatchObject({ state: 'waiting', attempts: 1, lastFailure: 'not_answered', passedBy: [] });
    taken = takenBy(once, 'asha', NOW);
    const twice = afterFailure(taken, 'declined_by_customer')!;
    expect(twice.attempts).toBe(2);
    expect(afterFailure(takenBy(twice, 'ben', NOW), 'not_answered')).toBeUndefined();
  });

  it('waits for the customer’s answer to a call-permission request: offered again once they accept, given up if not', () => {
    const asked = afterFailure(takenBy(callback({}), 'asha', NOW), 'permission_requested')!;
    // The request is no call: it is not counted as a try.
    expect(asked).toMatchObject({ state: 'waiting', attempts: 0, awaitingPermission: true });
    expect(plan([asked], ['asha', 'ben'])).toEqual([]);
    const granted = permissionAnswered(asked, true)!;
    expect(plan([granted], ['asha'])).toEqual([{ callbackId: granted.id, agentId: 'asha' }]);
    expect(permissionAnswered(asked, false)).toBeUndefined();
    expect(afterFailure(takenBy(callback({}), 'asha', NOW), 'not_answered')!.awaitingPermission).toBeUndefined();
  });

  it('finds offers that ran out, accepted callbacks never placed, and expired ones', () => {
    const runOut = offerTo(callback({}), 'asha', NOW - 1);
    const ringing = offerTo(callback({}), 'ben', NOW + 1000);
    const neverPlaced = takenBy(callback({}), 'cleo', NOW - 1);
    const placed = { ...takenBy(callback({}), 'dev', NOW - 1), placedCallId: 'wacid.out' };
    const expired = callback({ expiresAtMs: NOW - 1 });
    const due = callbacksDue([runOut, ringing, neverPlaced, placed, expired], NOW);
    expect(due.offersRunOut.map((c) => c.id)).toEqual([runOut.id]);
    expect(due.neverPlaced.map((c) => c.id)).toEqual([neverPlaced.id]);
    expect(due.expired.map((c) => c.id)).toEqual([expired.id]);
  });
});

describe('the callback offer message', () => {
  it('is a reply buttons message Meta takes, and its buttons name the offer and the choice', () => {
    const words = QueueCallbackOffer.parse({ body: '¿Le llamamos cuando haya un agente libre?', accept: 'Llámenme' });
    const message = callbackOfferMessage('447700900123', words, 'AbCdEfGhIjKlMnOp');
    expect(ButtonMessageBody.safeParse(message).success).toBe(true);
    const [yes, no] = message.interactive.action.buttons;
    expect(yes!.reply.title).toBe('Llámenme');
    expect(no!.reply.title).toBe('No thanks');
    expect(callbackChoice(yes!.reply.id)).toEqual({ offerId: 'AbCdEfGhIjKlMnOp', wanted: true });
    expect(callbackChoice(no!.reply.id)).toEqual({ offerId: 'AbCdEfGhIjKlMnOp', wanted: false });
    expect(callbackChoice('csat.AbCdEfGhIjKlMnOp.1')).toBeUndefined();
    expect(callbackChoice('cb.short.yes')).toBeUndefined();
  });

  it('refuses the same label on both buttons', () => {
    expect(QueueCallbackOffer.safeParse({ accept: 'OK', decline: 'OK' }).success).toBe(false);
  });
});
