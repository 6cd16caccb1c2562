import { describe, expect, it } from 'vitest';
import { GraphApiError } from './graphClient';
import { backoffMs, mayRetry } from './retryPolicy';

const graph = (httpStatus: number) => new GraphApiError('graph', 'x', { action: 'a', httpStatus });
const timeout = new GraphApiError('timeout', 'x', { action: 'a' });
const refused = new GraphApiError('network', 'x', { action: 'a', requestNotSent: true });
const reset = new GraphApiError('network', 'x', { action: 'a', requestNotSent: false });

describe('retry policy', () => {
  it('repeats answering only when the first request surely did nothing', () => {
    for (const action of ['pre_accept', 'accept'] as const) {
      expect(mayRetry(action, graph(429))).toBe(true);
      expect(mayRetry(action, refused)).toBe(true);
      expect(mayRetry(action, graph(500))).toBe(false);
      expect(mayRetry(action, graph(503))).toBe(false);
      expect(mayRetry(action, timeout)).toBe(false);
      expect(mayRetry(action, reset)).toBe(false);
      expect(mayRetry(action, graph(400))).toBe(false);
    }
  });

  it('repeats ending a call on any transient failure, never on a 4xx', () => {
    for (const action of ['reject', 'terminate'] as const) {
      for (const error of [graph(429), graph(500), graph(503), timeout, refused, reset])
        expect(mayRetry(action, error)).toBe(true);
      expect(mayRetry(action, graph(400))).toBe(false);
      expect(mayRetry(action, new Error('other'))).toBe(false);
    }
  });

  it('backs off exponentially', () => {
    expect([1, 2, 3].map(backoffMs)).toEqual([200, 400, 800]);
  });
});
