import { describe, expect, it } from 'vitest';
import { callsRestricted, isPublicHttps, readiness, type ReadinessFacts } from './readiness';

const WELL: ReadinessFacts = {
  configured: true,
  mode: 'direct',
  listening: true,
  relayConnected: false,
  connection: { state: 'ok' },
  callbackUrl: 'https://phone.example.com/webhook',
  callbackReached: true,
  mic: 'ok',
  agentStatus: 'available',
};

describe('readiness', () => {
  it('is green only when everything a call needs is there', () => {
    expect(readiness(WELL)).toMatchObject({ ready: true, code: 'ready', text: 'Ready for calls' });
    expect(readiness({ ...WELL, mode: 'relay', relayConnected: true, callbackUrl: undefined })).toMatchObject({
      ready: true,
      text: 'Ready for calls from the team relay',
    });
  });

  it.each<[string, Partial<ReadinessFacts>, string, string | undefined]>([
    ['unconfigured', { configured: false }, 'Not connected to WhatsApp yet', 'settings'],
    [
      'token refused',
      { connection: { state: 'failed', problem: 'Access token: no.' } },
      'Access token: no.',
      'settings',
    ],
    ['still checking', { connection: { state: 'pending' } }, 'Checking the connection', undefined],
    ['loopback callback', { callbackUrl: 'http://127.0.0.1:8787/webhook' }, 'cannot reach this phone', 'settings'],
    ['https on localhost', { callbackUrl: 'https://localhost/webhook' }, 'cannot reach this phone', 'settings'],
    ['never reached', { callbackReached: false }, 'Waiting for WhatsApp to reach', 'settings'],
    ['mic blocked', { mic: 'blocked' }, 'microphone is blocked', 'microphone'],
    ['no mic', { mic: 'missing' }, 'No microphone found', 'microphone'],
    ['away', { agentStatus: 'away' }, 'You are Away', 'status'],
    ['busy', { agentStatus: 'busy' }, 'You are Busy', 'status'],
    ['relay down', { mode: 'relay', relayConnected: false }, 'Not connected to the team relay', 'settings'],
  ])('names the first thing to fix: %s', (_name, change, text, fix) => {
    const state = readiness({ ...WELL, ...change });
    expect(state.ready).toBe(false);
    expect(state.text).toContain(text);
    expect(state.ready ? undefined : state.fix).toBe(fix);
  });

  it('in a team, an agent the relay puts in no queue is not ready, whatever else is well', () => {
    const team = { ...WELL, mode: 'relay' as const, relayConnected: true, callbackUrl: undefined };
    expect(readiness({ ...team, inNoQueue: true })).toEqual({
      ready: false,
      code: 'noQueue',
      text: 'You are in no queue: no call can ring for you. Ask your supervisor to add you to a queue.',
    });
    // Not connected is said first: the relay's word on queues is from before.
    expect(readiness({ ...team, relayConnected: false, inNoQueue: true }).code).toBe('relayDown');
    expect(readiness({ ...team, inNoQueue: false }).code).toBe('readyRelay');
  });

  it('a token problem comes before a microphone problem', () => {
    const state = readiness({ ...WELL, mic: 'blocked', connection: { state: 'failed', problem: 'token' } });
    expect(state.text).toBe('token');
  });

  it('knows a public https address', () => {
    expect(isPublicHttps('https://a.example/webhook')).toBe(true);
    expect(isPublicHttps('http://a.example/webhook')).toBe(false);
    expect(isPublicHttps('https://127.0.0.1/webhook')).toBe(false);
    expect(isPublicHttps('https://[::1]/webhook')).toBe(false);
    expect(isPublicHttps('not a url')).toBe(false);
  });
});

describe('a restriction WhatsApp puts on customers’ calls (account_update)', () => {
  const base = {
    configured: true,
    mode: 'relay' as const,
    listening: true,
    relayConnected: true,
    connection: { state: 'ok' as const },
    callbackReached: true,
    mic: 'ok' as const,
    agentStatus: 'available' as const,
  };
  const restriction = (restrictionType: string, expiresAtMs?: number) => ({
    alert: { kind: 'restriction' as const, restrictionType, reason: 'LOW_PICKUP_RATE', expiresAtMs },
    atMs: 0,
  });
  it('makes the desk not ready while it lasts, in words; calling customers restricted, or an expired one, does not', () => {
    const now = Date.UTC(2026, 11, 6);
    const userCalls = callsRestricted([restriction('RESTRICTED_USER_INITIATED_CALLING', now + 1000)], now);
    expect(readiness({ ...base, restriction: userCalls })).toMatchObject({
      ready: false,
      code: 'restricted',
      text: 'WhatsApp restricted calling on this number until 6 Dec: too many missed calls.',
    });
    expect(callsRestricted([restriction('RESTRICTED_USER_INITIATED_CALLING', now - 1)], now)).toBeUndefined();
    expect(callsRestricted([restriction('RESTRICTED_BUSINESS_INITIATED_CALLING', now + 1000)], now)).toBeUndefined();
    expect(readiness({ ...base, restriction: undefined }).ready).toBe(true);
  });
});
