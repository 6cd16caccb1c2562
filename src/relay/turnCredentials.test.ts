import { describe, expect, it } from 'vitest';
import { turnCredentials, turnSettingsFromEnv } from './turnCredentials';

describe('TURN REST credentials', () => {
  it('names the expiry and the agent, signed with the shared secret as coturn checks it', () => {
    const settings = { urls: ['turn:turn.example.org:3478'], secret: 'a-shared-secret-0123', lifetimeSeconds: 28_800 };
    // Expected password from OpenSSL, not from this code:
    // printf '%s' '1700028800:asha' | openssl dgst -sha1 -hmac 'a-shared-secret-0123' -binary | base64
    expect(turnCredentials(settings, 'asha', 1_700_000_000_000)).toEqual({
      urls: ['turn:turn.example.org:3478'],
      username: '1700028800:asha',
      credential: 'K/3ftW9qFbJJcDUotLls0uZM+qU=',
    });
  });

  it('reads the relay’s TURN variables and names what is wrong', () => {
    expect(turnSettingsFromEnv({})).toBeUndefined();
    expect(
      turnSettingsFromEnv({
        RELAY_TURN_URLS: 'turn:t.example.org:3478, turn:t.example.org:3478?transport=tcp, turns:t.example.org:443',
        RELAY_TURN_SECRET: 'a-shared-secret-0123',
      }),
    ).toEqual({
      urls: ['turn:t.example.org:3478', 'turn:t.example.org:3478?transport=tcp', 'turns:t.example.org:443'],
      secret: 'a-shared-secret-0123',
      lifetimeSeconds: 28_800,
    });
    expect(() =>
      turnSettingsFromEnv({ RELAY_TURN_URLS: 'https://t.example.org', RELAY_TURN_SECRET: 'x'.repeat(16) }),
    ).toThrow(/https:\/\/t.example.org is not a TURN address/);
    expect(() => turnSettingsFromEnv({ RELAY_TURN_URLS: 'turn:t:3478', RELAY_TURN_SECRET: 'short' })).toThrow(
      /RELAY_TURN_SECRET/,
    );
    expect(() =>
      turnSettingsFromEnv({
        RELAY_TURN_URLS: 'turn:t:3478',
        RELAY_TURN_SECRET: 'x'.repeat(16),
        RELAY_TURN_LIFETIME_SECONDS: '5',
      }),
    ).toThrow(/RELAY_TURN_LIFETIME_SECONDS/);
  });
});
