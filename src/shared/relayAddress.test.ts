import { describe, expect, it } from 'vitest';
import { ConnectionSettingsInput, fieldRuleText, isSafeRelayAddress } from './settingsSchemas';

describe('relay addresses', () => {
  it('takes wss:// anywhere and ws:// only to this computer', () => {
    for (const ok of ['wss://relay.example.com', 'ws://127.0.0.1:8788/', 'ws://localhost:8788', 'ws://[::1]:8788']) {
      expect(isSafeRelayAddress(ok), ok).toBe(true);
    }
    for (const bad of [
      'ws://relay.example.com',
      'ws://10.0.0.5:8788',
      'ws://127.0.0.1.evil.example/',
      'ws://localhost.evil.example',
    ]) {
      expect(isSafeRelayAddress(bad), bad).toBe(false);
    }
  });

  it('refuses a plain ws:// relay across the network in Settings, with a reason', () => {
    const parsed = ConnectionSettingsInput.safeParse({
      mode: 'relay',
      relayUrls: 'ws://relay.example.com:8788',
      agentToken: 'x',
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('relayUrlsInsecure');
    expect(fieldRuleText('relayUrlsInsecure')).toMatch(/use wss:\/\//);
  });
});
