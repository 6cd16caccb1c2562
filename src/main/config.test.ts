import { describe, expect, it } from 'vitest';
import { configFromEnv } from './config';

const good = {
  WA_ACCESS_TOKEN: 'EAAG'.padEnd(40, 'x'),
  WA_PHONE_NUMBER_ID: '518638374672395',
  WA_APP_SECRET: 'abcdef0123456789',
  WA_VERIFY_TOKEN: 'verify-token-1',
};

describe('config from environment', () => {
  it('reads a complete configuration with defaults', () => {
    const result = configFromEnv(good);
    expect(result).toMatchObject({
      ok: true,
      config: { webhookPort: 8787, webhookHost: '127.0.0.1', graphApiVersion: 'v23.0', iceServers: [] },
    });
  });

  it('names every wrong setting', () => {
    const result = configFromEnv({ ...good, WA_PHONE_NUMBER_ID: '+1 555 0100', WA_ACCESS_TOKEN: '' });
    expect(result.ok).toBe(false);
    const errors = !result.ok ? result.errors.join('\n') : '';
    expect(errors).toContain('WA_ACCESS_TOKEN');
    expect(errors).toContain('WA_PHONE_NUMBER_ID must be the numeric phone number ID');
  });

  it('explains malformed ICE servers', () => {
    expect(configFromEnv({ ...good, WA_ICE_SERVERS: 'stun:x' })).toMatchObject({ ok: false, errors: [expect.stringContaining('WA_ICE_SERVERS')] });
  });
});
