import { describe, expect, it } from 'vitest';
import { AgentFacingError } from '../shared/agentErrors';
import { sentence } from '../shared/sentence';
import { relayRefusalWithin } from './relayRefusalWithin';

describe("the relay's word on a request", () => {
  it('is its refusal when it refuses in time', async () => {
    const refusal = new AgentFacingError('You saved this call’s wrap-up already', undefined, {
      key: 'relayWrappedUpAlready',
    });
    await expect(relayRefusalWithin(Promise.reject(refusal), 1000)).resolves.toBe(refusal);
  });

  it('is nothing when it takes the request, cannot be reached, or is too slow', async () => {
    await expect(relayRefusalWithin(Promise.resolve({}), 1000)).resolves.toBeUndefined();
    const unreachable = new AgentFacingError(
      'The team relay cannot be reached',
      undefined,
      sentence('relayUnreachable'),
    );
    await expect(relayRefusalWithin(Promise.reject(unreachable), 1000)).resolves.toBeUndefined();
    await expect(relayRefusalWithin(Promise.reject(new Error('socket closed')), 1000)).resolves.toBeUndefined();
    const late = new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 200));
    await expect(relayRefusalWithin(late, 20)).resolves.toBeUndefined();
    await late.catch(() => undefined);
  });
});
