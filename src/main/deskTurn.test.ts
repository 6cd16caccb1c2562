import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryLogger } from '../whatsapp/logger';
import { defaultEnvironment, environmentFromEnv, type Environment } from './config';
import { createDeskTurn } from './deskTurn';
import { createSettingsStore, type SecretCipher } from './settingsStore';
import { startTestBrowserHost } from './testDesk';

const SECRET = 'coturn-static-auth-secret-0123';
const URLS = 'turn:127.0.0.1:3478?transport=udp\nturns:turn.example.com:443?transport=tcp';

// Reversible but unreadable: proves the store writes the secret only through the cipher.
const reversingCipher: SecretCipher = {
  encrypted: true,
  encrypt: (s) => Buffer.from(s).toString('base64').split('').reverse().join(''),
  decrypt: (s) => Buffer.from(s.split('').reverse().join(''), 'base64').toString(),
};

function desk(environment: Environment = defaultEnvironment()) {
  const path = join(mkdtempSync(join(tmpdir(), 'turn-settings-')), 'settings.json');
  const settings = createSettingsStore(path, reversingCipher);
  const changed = vi.fn();
  const turn = createDeskTurn(settings, environment, changed);
  return { path, settings, turn, changed };
}

const envWith = (env: Record<string, string>): Environment => {
  const read = environmentFromEnv(env);
  if (!read.ok) throw new Error(read.errors.join('; '));
  return read.environment;
};

afterEach(() => vi.useRealTimers());

describe('the desk’s own TURN settings', () => {
  it('keeps the secret encrypted in settings.json and out of what the page reads', () => {
    const { path, turn } = desk();
    const saved = turn.save({ turnUrls: URLS, turnSecret: SECRET, turnLifetimeSeconds: '600', turnRelayOnly: true });
    expect(saved).toEqual({
      ok: true,
      settings: {
        turnUrls: URLS.split('\n'),
        turnSecretSet: true,
        turnLifetimeSeconds: 600,
        turnRelayOnly: true,
        fromEnvironment: [],
      },
    });
    expect(JSON.stringify(turn.view())).not.toContain(SECRET);
    const file = readFileSync(path, 'utf8');
    expect(file).not.toContain(SECRET);
    expect(JSON.parse(file).secrets.turnSecret).toMatchObject({ encrypted: true });
    // A restarted desk reads it back through the cipher.
    expect(createSettingsStore(path, reversingCipher).turn()).toMatchObject({ secret: SECRET, relayOnly: true });
  });

  it('makes TURN REST credentials from the saved secret at once, for the next call, and renews them at half-life', () => {
    vi.useFakeTimers({ now: 1_800_000_000_000 });
    const { turn, changed } = desk();
    expect(turn.iceServers()).toEqual([]);
    expect(turn.policy()).toBe('all');
    turn.save({ turnUrls: URLS, turnSecret: SECRET, turnLifetimeSeconds: '600', turnRelayOnly: true });
    expect(changed).toHaveBeenCalledTimes(1);
    const [server] = turn.iceServers();
    expect(server).toMatchObject({ urls: URLS.split('\n'), username: '1800000600:desk' });
    expect(server!.credential).toBe(createHmac('sha1', SECRET).update('1800000600:desk').digest('base64'));
    expect(turn.policy()).toBe('relay');
    vi.advanceTimersByTime(300_000);
    expect(changed).toHaveBeenCalledTimes(2);
    expect(turn.iceServers()[0]!.username).toBe('1800000900:desk');
    turn.stop();
  });

  it('forgets the secret when cleared with the addresses, and then offers no TURN', () => {
    const { path, turn } = desk();
    turn.save({ turnUrls: URLS, turnSecret: SECRET });
    expect(turn.save({ turnUrls: '', clearTurnSecret: true, turnRelayOnly: false })).toMatchObject({
      ok: true,
      settings: { turnSecretSet: false, turnUrls: [] },
    });
    expect(JSON.parse(readFileSync(path, 'utf8')).secrets.turnSecret).toBeUndefined();
    expect(turn.iceServers()).toEqual([]);
    turn.stop();
  });

  it('applies the saved TURN in direct mode only: a desk joining a team relay uses the relay’s', () => {
    const { settings, turn } = desk();
    turn.save({ turnUrls: URLS, turnSecret: SECRET, turnRelayOnly: true });
    expect(turn.iceServers()).toHaveLength(1);
    const joined = settings.saveConnection({
      mode: 'relay',
      relayUrls: 'ws://127.0.0.1:9/',
      agentToken: 'agent-token',
    });
    expect(joined).toMatchObject({ ok: true });
    expect(turn.iceServers()).toEqual([]);
    expect(turn.policy()).toBe('all');
    turn.stop();
  });

  it('lets the environment win: its TURN and policy are in force, and the page may not change those fields', () => {
    const environment = envWith({
      WA_TURN_URLS: 'turns:env.example.com:443',
      WA_TURN_SECRET: 'environment-secret-456789',
      WA_ICE_TRANSPORT_POLICY: 'all',
    });
    const { turn } = desk(environment);
    expect(turn.view()).toEqual({
      turnUrls: ['turns:env.example.com:443'],
      turnSecretSet: true,
      turnLifetimeSeconds: 28_800,
      turnRelayOnly: false,
      fromEnvironment: ['turnUrls', 'turnSecret', 'turnLifetimeSeconds', 'turnRelayOnly'],
    });
    expect(JSON.stringify(turn.view())).not.toContain('environment-secret');
    expect(turn.save({ turnUrls: URLS, turnSecret: SECRET, turnRelayOnly: true })).toMatchObject({
      ok: false,
      errors: { turnUrls: { rule: 'turnSetByEnvironment' }, turnRelayOnly: { rule: 'turnSetByEnvironment' } },
    });
    expect(turn.iceServers()[0]!.urls).toEqual(['turns:env.example.com:443']);
    turn.stop();
  });

  it('over the page’s real HTTP boundary, no reply carries the secret, and app:status carries the credentials', async () => {
    const host = await startTestBrowserHost(createMemoryLogger());
    const invoke = async (channel: string, body: unknown) => {
      const reply = await fetch(`${host.baseUrl}api/invoke/${channel}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json', Cookie: host.sessionCookie },
      });
      return reply.text();
    };
    try {
      const refused = await invoke('settings:turnSave', { turnUrls: 'stun:x.example.com', turnSecret: SECRET });
      expect(JSON.parse(refused)).toMatchObject({
        result: { ok: false, errors: { turnUrls: { rule: 'turnUrlsFormat', value: 'stun:x.example.com' } } },
      });
      const saved = await invoke('settings:turnSave', { turnUrls: URLS, turnSecret: SECRET, turnRelayOnly: true });
      expect(JSON.parse(saved)).toMatchObject({ result: { ok: true, settings: { turnSecretSet: true } } });
      const read = await invoke('settings:turnGet', {});
      for (const reply of [refused, saved, read]) expect(reply).not.toContain(SECRET);
      const status = JSON.parse(await invoke('app:status', {})) as {
        result: { iceServers: Array<{ username?: string }>; iceTransportPolicy: string };
      };
      expect(status.result.iceTransportPolicy).toBe('relay');
      expect(status.result.iceServers.map((s) => s.username)).toEqual([expect.stringMatching(/^\d+:desk$/)]);
      expect(JSON.stringify(status)).not.toContain(SECRET);
    } finally {
      await host.close();
    }
  });
});
