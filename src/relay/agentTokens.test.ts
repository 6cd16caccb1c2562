import { describe, expect, it } from 'vitest';
import { issueAgentToken, verifyAgentToken } from './agentTokens';

describe('agent tokens', () => {
  it('accepts a token it issued and names the agent', () => {
    expect(verifyAgentToken(issueAgentToken('alice', 's3cret'), 's3cret')).toEqual({ ok: true, agentId: 'alice' });
  });

  it('refuses a forged, altered, expired or malformed token', () => {
    const token = issueAgentToken('alice', 's3cret', 1000, 0);
    expect(verifyAgentToken(issueAgentToken('alice', 'other'), 's3cret')).toMatchObject({
      ok: false,
      reason: 'agent token signature is wrong',
    });
    expect(verifyAgentToken(issueAgentToken('alice', 's3cret').replace('alice', 'mallory'), 's3cret').ok).toBe(false);
    expect(verifyAgentToken(token, 's3cret', 5000)).toEqual({ ok: false, reason: 'agent token expired' });
    expect(verifyAgentToken(undefined, 's3cret')).toEqual({ ok: false, reason: 'malformed agent token' });
    expect(verifyAgentToken('a.b', 's3cret').ok).toBe(false);
  });

  it('refuses agent ids that could break the token format', () => {
    expect(() => issueAgentToken('a.b', 's')).toThrow('agent id');
  });
});
