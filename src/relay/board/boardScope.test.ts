import { describe, expect, it } from 'vitest';
import type { DayCall } from './boardFigures';
import { agentsInScope, callsInScope, scopeKey } from './boardScope';

const call = (queue: string | undefined): DayCall => ({ queue, offeredAtMs: 0, rang: true });

describe('a supervisor’s scope', () => {
  it('keeps their queues’ calls for the team line and each agent; calls without a queue only for all', () => {
    const sales = call('sales');
    const support = call('support');
    const outbound = call(undefined);
    const read = {
      calls: [sales, support, outbound],
      offersByAgent: new Map([
        ['asha', [sales, support]],
        ['ben', [support]],
      ]),
    };
    const scoped = callsInScope(read, { queues: ['sales'] });
    expect(scoped.calls).toEqual([sales]);
    expect([...scoped.offersByAgent]).toEqual([['asha', [sales]]]);
    expect(callsInScope(read, {})).toBe(read);
  });

  it('shows the agents who serve one of their queues, with only those queues', () => {
    const agents = [
      { id: 'asha', state: 'available' as const, queues: ['sales', 'support'] },
      { id: 'ben', state: 'not_ready' as const, reason: 'away', queues: ['support'] },
    ];
    expect(agentsInScope(agents, { queues: ['sales'] })).toEqual([{ ...agents[0], queues: ['sales'] }]);
    expect(agentsInScope(agents, {})).toBe(agents);
  });

  it('gives supervisors who see the same queues one key, in any order', () => {
    expect(scopeKey({ queues: ['support', 'sales'] })).toBe(scopeKey({ queues: ['sales', 'support'] }));
    expect(scopeKey({})).not.toBe(scopeKey({ queues: ['sales'] }));
  });
});
