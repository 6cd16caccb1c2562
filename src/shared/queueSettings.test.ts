import { describe, expect, it } from 'vitest';
import { layoutChange, layoutOf, withLayout, type QueuesLayout } from './queueSettings';
import { TeamQueues } from './teamQueues';

const FILE = TeamQueues.parse({
  defaultQueue: 'support',
  queues: [
    {
      id: 'support',
      name: 'Support',
      agents: { asha: 9 },
      fallback: 'sales',
      phoneNumberIds: ['1234'],
      payloads: ['help'],
      hours: { timeZone: 'Europe/London', open: [{ days: ['mon'], from: '09:00', to: '17:00' }] },
    },
    { id: 'sales', name: 'Sales', routing: 'ring_all', agents: '*', survey: {} },
  ],
});

describe('the queues an admin lays out on the board, over the queues file', () => {
  it('keeps the file’s numbers, payloads, hours and survey for its queues, and gives a new queue the defaults', () => {
    const layout: QueuesLayout = {
      queues: [
        { ...layoutOf(FILE).queues[0]!, agents: { asha: 9, ben: 3 }, ringSeconds: 20 },
        { ...layoutOf(FILE).queues[1]! },
        {
          id: 'vip',
          name: 'VIP',
          routing: 'longest_idle',
          ringSeconds: 15,
          overflowSeconds: 60,
          callWaiting: true,
          agents: { chen: 10 },
        },
      ],
    };
    const merged = withLayout(FILE, layout);
    expect(merged.success).toBe(true);
    const [support, sales, vip] = merged.data!.queues;
    expect(support).toMatchObject({ agents: { asha: 9, ben: 3 }, ringSeconds: 20, fallback: 'sales' });
    expect(support).toMatchObject({ phoneNumberIds: ['1234'], payloads: ['help'], hours: FILE.queues[0]!.hours });
    expect(sales!.survey).toEqual(FILE.queues[1]!.survey);
    expect(vip).toMatchObject({ media: 'direct', phoneNumberIds: [], payloads: [], handBack: [], callWaiting: true });
  });

  it('drops a fallback the admin removed instead of keeping the file’s, and refuses what the file would be refused for', () => {
    const withoutFallback = layoutOf(FILE).queues.map((q) => ({ ...q, fallback: undefined }));
    expect(withLayout(FILE, { queues: withoutFallback }).data?.queues[0]?.fallback).toBeUndefined();
    const noDefault = withLayout(FILE, { queues: layoutOf(FILE).queues.slice(1) });
    expect(noDefault.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'defaultQueue: no queue support',
    ]);
    const twice = withLayout(FILE, { queues: [...layoutOf(FILE).queues, layoutOf(FILE).queues[1]!] });
    expect(twice.error?.issues.map((i) => i.path.join('.'))).toEqual(['queues.2.id']);
  });

  it('says what a save changed for the audit trail, member by member and field by field', () => {
    const before = layoutOf(FILE);
    const after: QueuesLayout = {
      queues: [
        { ...before.queues[0]!, agents: { asha: 7, ben: 3 }, routing: 'ring_all', fallback: undefined },
        {
          id: 'vip',
          name: 'VIP',
          routing: 'longest_idle',
          ringSeconds: 15,
          overflowSeconds: 60,
          callWaiting: false,
          agents: '*',
        },
      ],
    };
    expect(layoutChange(before, after)).toBe(
      'support: asha 9 -> 7, +ben 3, routing longest_idle -> ring_all, fallback sales -> -; vip added (everyone); sales removed',
    );
    expect(layoutChange(before, before)).toBe('nothing changed');
  });
});
