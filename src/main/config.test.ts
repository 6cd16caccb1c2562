import { describe, expect, it } from 'vitest';
import { environmentFromEnv } from './config';

describe('environment', () => {
  it('has working defaults', () => {
    expect(environmentFromEnv({})).toEqual({
      ok: true,
      environment: {
        graphBaseUrl: 'https://graph.facebook.com',
        graphApiVersion: 'v23.0',
        webhookHost: '127.0.0.1',
        iceServers: [],
        iceTransportPolicy: 'all',
        mediaTimeoutMs: 30_000,
      },
    });
  });

  it('reads overrides', () => {
    const result = environmentFromEnv({
      WA_WEBHOOK_PORT: '0',
      WA_ICE_SERVERS: '[{"urls":"stun:s.example:3478"}]',
      WA_GRAPH_BASE_URL: 'http://127.0.0.1:9',
    });
    expect(result).toMatchObject({
      ok: true,
      environment: { webhookPortOverride: 0, iceServers: [{ urls: 'stun:s.example:3478' }] },
    });
  });

  it('takes TURN servers with credentials, and relay-only audio', () => {
    const turn = { urls: 'turns:turn.example.org:443', username: 'desk', credential: 'pass' };
    expect(
      environmentFromEnv({ WA_ICE_SERVERS: JSON.stringify([turn]), WA_ICE_TRANSPORT_POLICY: 'relay' }),
    ).toMatchObject({ ok: true, environment: { iceServers: [turn], iceTransportPolicy: 'relay' } });
    expect(environmentFromEnv({ WA_ICE_TRANSPORT_POLICY: 'tcp' })).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('WA_ICE_TRANSPORT_POLICY')],
    });
  });

  it('reads a desk’s own TURN server and secret, and names what is wrong', () => {
    expect(
      environmentFromEnv({ WA_TURN_URLS: 'turns:turn.example.org:443', WA_TURN_SECRET: 'a-shared-secret-0123' }),
    ).toMatchObject({
      ok: true,
      environment: {
        turn: { urls: ['turns:turn.example.org:443'], secret: 'a-shared-secret-0123', lifetimeSeconds: 28_800 },
      },
    });
    expect(environmentFromEnv({ WA_TURN_URLS: 'turn:t.example.org:3478', WA_TURN_SECRET: 'short' })).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('WA_TURN_SECRET')],
    });
  });

  it('names each wrong variable', () => {
    expect(environmentFromEnv({ WA_ICE_SERVERS: 'stun:x' })).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('WA_ICE_SERVERS')],
    });
    const bad = environmentFromEnv({ WA_GRAPH_BASE_URL: 'nope', WA_GRAPH_API_VERSION: '23', WA_WEBHOOK_PORT: '99999' });
    expect(!bad.ok && bad.errors.join('\n')).toMatch(
      /WA_GRAPH_BASE_URL[\s\S]*WA_GRAPH_API_VERSION[\s\S]*WA_WEBHOOK_PORT/,
    );
  });
});
