import { describe, expect, it } from 'vitest';
import { TeamQueues, queueForCall, type TeamQueuesInput } from '../shared/teamQueues';
import {
  MOST_PICKING_AT_ONCE,
  anyoneLeft,
  planRoute,
  startRoute,
  type AgentSnapshot,
  type RouteInput,
} from './queuePlan';

const config = TeamQueues.parse({
  defaultQueue: 'support',
  queues: [
    {
      id: 'support',
      name: 'Support',
      ringSeconds: 10,
      overflowSeconds: 40,
      fallback: 'sales',
      agents: { ana: 5, ben: 5, cy: 9 },
    },
    {
      id: 'sales',
      name: 'Sales',
      routing: 'ring_all',
      payloads: ['buy-now'],
      phoneNumberIds: ['222'],
      agents: { dee: 1 },
    },
  ],
} satisfies TeamQueuesInput);

const agent = (id: string, idleSinceMs: number, status: AgentSnapshot['status'] = 'available'): AgentSnapshot => ({
  id,
  status,
  idleSinceMs,
  present: true,
});
const team = [agent('ana', 100), agent('ben', 50), agent('cy', 300), agent('dee', 10), agent('eve', 1)];

function step(over: Partial<RouteInput> & Pick<RouteInput, 'route' | 'nowMs'>) {
  return planRoute({ config, agents: team, tried: [], declined: [], ringing: [], ...over });
}

describe('queueForCall', () => {
  it('takes the button payload first, then the number called, then the default queue', () => {
    expect(queueForCall(config, { ctaPayload: 'buy-now', phoneNumberId: '111' }).id).toBe('sales');
    expect(queueForCall(config, { phoneNumberId: '222' }).id).toBe('sales');
    expect(queueForCall(config, { ctaPayload: 'other', phoneNumberId: '111' }).id).toBe('support');
  });
  it('refuses a file whose default or fallback names no queue, or that names a queue twice', () => {
    const bad = TeamQueues.safeParse({
      defaultQueue: 'nope',
      queues: [
        { id: 'a', name: 'A', agents: '*', fallback: 'a' },
        { id: 'a', name: 'A again', agents: '*' },
      ],
    });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => i.message).join('; ');
    expect(messages).toContain('no queue nope');
    expect(messages).toContain('a twice');
    expect(messages).toContain('fallback a is not another queue');
  });
});

describe('planRoute (longest idle with skills)', () => {
  const start = startRoute(config.queues[0]!, 0);

  it('rings the most skilled free agent alone first, then the longest idle of the next level', () => {
    const first = step({ route: start, nowMs: 0 });
    expect(first.ring).toEqual(['cy']);
    expect(first.nextCheckMs).toBe(10_000);
    const later = step({ route: first.route, nowMs: 10_000, ringing: ['cy'], tried: ['cy'] });
    expect(later.withdraw).toEqual(['cy']);
    expect(later.ring).toEqual(['ben']);
  });

  it('keeps ringing an agent until their ring time is up', () => {
    const first = step({ route: start, nowMs: 0 });
    const mid = step({ route: first.route, nowMs: 5000, ringing: ['cy'], tried: ['cy'] });
    expect(mid).toMatchObject({ withdraw: [], ring: [], nextCheckMs: 10_000 });
  });

  it('skips busy, away, absent and declining agents, and agents of other queues', () => {
    const agents = [
      agent('cy', 1, 'busy'),
      agent('ben', 2, 'away'),
      { ...agent('ana', 3), present: false },
      agent('dee', 0),
    ];
    expect(step({ route: start, nowMs: 0, agents }).ring).toEqual([]);
    expect(step({ route: start, nowMs: 0, declined: ['cy', 'ben'] }).ring).toEqual(['ana']);
  });

  it('passes the call on at once when the ringing agent goes busy or leaves', () => {
    const first = step({ route: start, nowMs: 0 });
    const gone = step({
      route: first.route,
      nowMs: 2000,
      ringing: ['cy'],
      tried: ['cy'],
      agents: [agent('cy', 0, 'busy'), ...team.slice(0, 2)],
    });
    expect(gone.withdraw).toEqual(['cy']);
    expect(gone.ring).toEqual(['ben']);
  });

  it('after everyone free has had a turn, rings them all; overflow at M s; fallback queue at 2M s', () => {
    const everyoneTried = step({ route: { ...start, stage: 'hunt' }, nowMs: 30_000, tried: ['ana', 'ben', 'cy'] });
    expect(everyoneTried.route.stage).toBe('overflow');
    expect(everyoneTried.ring.sort()).toEqual(['ana', 'ben', 'cy']);

    const overflow = step({ route: start, nowMs: 40_000, ringing: ['ben'], tried: ['cy', 'ben'] });
    expect(overflow.route.stage).toBe('overflow');
    expect(overflow.withdraw).toEqual([]);
    expect(overflow.ring.sort()).toEqual(['ana', 'cy']);
    expect(overflow.nextCheckMs).toBe(41_000);

    const fallback = step({ route: overflow.route, nowMs: 80_000, ringing: ['ana', 'ben', 'cy'] });
    expect(fallback.route.stage).toBe('fallback');
    expect(fallback.ring).toEqual(['dee']);
  });

  it('a call nobody can take waits, looking again every second, and rings the first agent who becomes free', () => {
    const nobody = step({ route: start, nowMs: 1000, agents: [agent('cy', 0, 'busy')] });
    expect(nobody).toMatchObject({ ring: [], nextCheckMs: 2000 });
    expect(nobody.route.stage).toBe('hunt');
    expect(step({ route: nobody.route, nowMs: 2000, agents: [agent('cy', 0)] }).ring).toEqual(['cy']);
  });
});

describe('planRoute (calls picking at once)', () => {
  const desk = TeamQueues.parse({
    defaultQueue: 'desk',
    queues: [{ id: 'desk', name: 'Desk', agents: { a: 5, b: 5, c: 5, d: 3 } }],
  } satisfies TeamQueuesInput);
  const route = startRoute(desk.queues[0]!, 0);
  const floor = [agent('a', 300), agent('b', 100), agent('c', 200), agent('d', 1)];
  const pick = (pickAt: number | undefined, agents = floor, tried: string[] = []) =>
    planRoute({ config: desk, route, agents, tried, declined: [], ringing: [], nowMs: 1000, pickAt }).ring;

  it('the caller waiting longest rings the longest idle, the next caller the next one, and so on', () => {
    expect([undefined, 0, 1, 2].map((at) => pick(at))).toEqual([['b'], ['b'], ['c'], ['a']]);
    // Those already tried are not counted: the place is among the agents the call may still ring.
    expect(pick(1, floor, ['b'])).toEqual(['a']);
  });

  it('never goes past the most skilled level, nor past the first MOST_PICKING_AT_ONCE longest idle', () => {
    expect(pick(3)).toEqual(['a']);
    expect(pick(1, [agent('d', 1), agent('c', 5)])).toEqual(['c']);
    const many = Array.from({ length: 40 }, (_, i) => agent(`x${i}`, i));
    const wide = TeamQueues.parse({ defaultQueue: 'w', queues: [{ id: 'w', name: 'W', agents: '*' }] });
    const input = { config: wide, route: startRoute(wide.queues[0]!, 0), agents: many, tried: [], declined: [] };
    expect(planRoute({ ...input, ringing: [], nowMs: 1000, pickAt: 30 }).ring).toEqual([
      `x${MOST_PICKING_AT_ONCE - 1}`,
    ]);
  });

  it('with as many callers waiting longer picking beside it as free agents, rings nobody and looks again soon', () => {
    // One agent free and one older caller picking: the older one takes them, on whichever relay instance.
    const aside = planRoute({
      config: desk,
      route,
      agents: [agent('b', 100)],
      tried: [],
      declined: [],
      ringing: [],
      nowMs: 1500,
      pickAt: 1,
    });
    expect(aside).toMatchObject({ ring: [], withdraw: [], nextCheckMs: 2000 });
    expect(aside.route.stage).toBe('hunt');
    expect(pick(4)).toEqual([]);
    // Those it tried already are not its to leave: the older callers' places are among the agents it may ring.
    expect(pick(1, floor, ['b', 'c', 'a'])).toEqual([]);
    expect(pick(0, floor, ['b', 'c', 'a'])).toEqual(['d']);
  });
});

describe('planRoute (repeat caller and ring_all)', () => {
  it('rings the agent who last spoke to the customer alone first, then the queue', () => {
    const route = startRoute(config.queues[0]!, 0, agent('ana', 100));
    const first = step({ route, nowMs: 0 });
    expect(first.ring).toEqual(['ana']);
    const next = step({ route: first.route, nowMs: 10_000, ringing: ['ana'], tried: ['ana'] });
    expect(next.withdraw).toEqual(['ana']);
    expect(next.ring).toEqual(['cy']);
  });

  it('a repeat caller whose agent is busy goes straight to the queue', () => {
    expect(startRoute(config.queues[0]!, 0, agent('ana', 100, 'busy')).stage).toBe('hunt');
  });

  it('ring_all rings every free agent of the queue at once and adds agents as they become free', () => {
    const sales = startRoute(config.queues[1]!, 0);
    expect(step({ route: sales, nowMs: 0 }).ring).toEqual(['dee']);
    expect(step({ route: sales, nowMs: 3000, ringing: ['dee'] }).ring).toEqual([]);
  });

  it('ring_all ends a ring after the ring time, or at once when the agent can no longer take the call; it rings them again at a later step', () => {
    const sales = startRoute(config.queues[1]!, 0);
    const stillRinging = step({ route: sales, nowMs: 14_000, ringing: ['dee'], rangMs: { dee: 14_000 } });
    expect(stillRinging).toMatchObject({ withdraw: [], ring: [] });
    const rangOut = step({ route: sales, nowMs: 15_000, ringing: ['dee'], rangMs: { dee: 15_000 } });
    expect(rangOut).toMatchObject({ withdraw: ['dee'], ring: [] });
    expect(step({ route: rangOut.route, nowMs: 16_000 }).ring).toEqual(['dee']);
    const notReady = step({ route: sales, nowMs: 3000, ringing: ['dee'], agents: [agent('dee', 10, 'busy')] });
    expect(notReady).toMatchObject({ withdraw: ['dee'], ring: [] });
  });
});

describe('anyoneLeft', () => {
  const route = startRoute(config.queues[0]!, 0);
  it('counts signed-in agents of the queue and its fallback, busy ones too, but not those who declined', () => {
    expect(anyoneLeft(config, route, team, ['ana', 'ben', 'cy'])).toBe(true);
    expect(anyoneLeft(config, route, team, ['ana', 'ben', 'cy', 'dee'])).toBe(false);
    expect(anyoneLeft(config, route, [agent('cy', 0, 'busy')], [])).toBe(true);
    expect(anyoneLeft(config, route, [agent('eve', 0)], [])).toBe(false);
  });
});
