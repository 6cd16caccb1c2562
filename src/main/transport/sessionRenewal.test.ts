import { describe, expect, it } from 'vitest';
import { issueAgentSessionToken, issueAgentToken } from '../../relay/agentTokens';
import { refreshUrl, renewalDelayMs } from './sessionRenewal';

const SECRET = 'session-renewal-secret-0123';

describe('renewing a company sign-in’s relay token', () => {
  it('renews a company token at half its life, and never a command-line token', async () => {
    const now = Date.now();
    const company = await issueAgentSessionToken('asha', SECRET, { sid: 's1', lifetimeMs: 300_000, now });
    expect(renewalDelayMs(company, now)).toBeCloseTo(150_000, -3);
    expect(renewalDelayMs(company, now + 299_500)).toBe(1000);
    expect(renewalDelayMs(await issueAgentToken('asha', SECRET), now)).toBeUndefined();
    expect(renewalDelayMs('not a token')).toBeUndefined();
  });

  it('asks the relay beside its agent address', () => {
    expect(refreshUrl('ws://127.0.0.1:8788/')).toBe('http://127.0.0.1:8788/auth/refresh');
    expect(refreshUrl('wss://relay.example.com/desk?x=1')).toBe('https://relay.example.com/auth/refresh');
  });
});
