import { describe, expect, it } from 'vitest';
import { TeamQueues, type TeamQueuesInput } from '../shared/teamQueues';
import { planRoute, queueOpenAt, type AgentSnapshot } from './queuePlan';

const CARE = {
  id: 'care',
  name: 'Care',
  ringSeconds: 15,
  agents: { ana: 5, ben: 5 },
  hours: {
    timeZone: 'Europe/Lisbon',
    open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00' }],
    holidays: ['2026-12-25'],
    closed: { action: 'message', message: 'We are closed. We open at 9:00, Monday to Friday.' },
  },
  maxWait: { seconds: 60, action: 'message', message: 'Sorry, nobody could take your call. Please try later.' },
} satisfies TeamQueuesInput['queues'][number];
const input = { defaultQueue: 'care', queues: [CARE] } satisfies TeamQueuesInput;
const config = TeamQueues.parse(input);
const care = config.queues[0]!;
const agent = (id: string, idleSinceMs: number): AgentSnapshot => ({
  id,
  status: 'available',
  idleSinceMs,
  present: true,
});
const START = Date.parse('2026-03-23T10:00:00Z');
const route = { queueId: 'care', stage: 'hunt' as const, startedAtMs: START };

describe('a queue’s maximum wait, decided by the routing plan', () => {
  it('turns the call away once the caller has waited the maximum, withdrawing every ring', () => {
    const step = planRoute({
      config,
      route: { ...route, ringingAlone: 'ana', ringStartMs: START + 50_000 },
      agents: [agent('ana', 1), agent('ben', 2)],
      tried: ['ana'],
      declined: [],
      ringing: ['ana'],
      nowMs: START + 60_000,
    });
    expect(step).toMatchObject({ turnAway: 'max_wait', withdraw: ['ana'], ring: [] });
  });

  it('a second before the maximum it still rings, and looks again no later than the maximum', () => {
    const step = planRoute({
      config,
      route,
      agents: [agent('ana', 1), agent('ben', 2)],
      tried: [],
      declined: [],
      ringing: [],
      nowMs: START + 59_000,
    });
    expect(step.turnAway).toBeUndefined();
    expect(step.ring).toEqual(['ana']);
    // The ring would last 15 s; the wait runs out in 1 s.
    expect(step.nextCheckMs).toBe(START + 60_000);
  });

  it('a queue without a maximum never turns a call away', () => {
    const plain = TeamQueues.parse({ ...input, queues: [{ ...CARE, maxWait: undefined }] });
    const step = planRoute({
      config: plain,
      route,
      agents: [],
      tried: [],
      declined: [],
      ringing: [],
      nowMs: START + 86_400_000,
    });
    expect(step.turnAway).toBeUndefined();
  });
});

describe('whether a queue takes calls on arrival', () => {
  it('follows its hours and holidays, and a queue without hours is always open', () => {
    expect(queueOpenAt(care, Date.parse('2026-03-23T09:00:00Z'))).toEqual({ open: true });
    expect(queueOpenAt(care, Date.parse('2026-03-23T08:59:59Z'))).toEqual({ open: false, why: 'outside_hours' });
    expect(queueOpenAt(care, Date.parse('2026-12-25T10:00:00Z'))).toEqual({ open: false, why: 'holiday' });
    const always = TeamQueues.parse({ ...input, queues: [{ ...CARE, hours: undefined }] }).queues[0]!;
    expect(queueOpenAt(always, Date.parse('2026-12-25T03:00:00Z'))).toEqual({ open: true });
  });

  it.each([
    ['a message action without the message', { closed: { action: 'message' } }, 'queues.0.hours.closed.message'],
    ['a maximum wait under 10 s', { maxWait: { seconds: 5 } }, 'queues.0.maxWait.seconds'],
    [
      'a maximum wait message of 4097 characters',
      { maxWait: { seconds: 60, action: 'message', message: 'x'.repeat(4097) } },
      'queues.0.maxWait.message',
    ],
    ['hours in an unknown zone', { hours: { ...CARE.hours, timeZone: 'Europe/Atlantis' } }, 'queues.0.hours.timeZone'],
  ])('refuses %s, naming the field', (_what, change, path) => {
    const changed = { ...CARE, ...change };
    if ('closed' in change) changed.hours = { ...CARE.hours, ...change } as typeof changed.hours;
    const parsed = TeamQueues.safeParse({ ...input, queues: [changed] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('a queue turned away by default only rejects (no message needed)', () => {
    const quiet = TeamQueues.parse({
      ...input,
      queues: [{ ...CARE, hours: { timeZone: 'UTC', open: [{ days: ['mon'], from: '09:00', to: '10:00' }] } }],
    });
    expect(quiet.queues[0]!.hours!.closed).toEqual({ action: 'reject' });
  });
});
