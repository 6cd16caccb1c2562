import { describe, expect, it } from 'vitest';
import { checkTurnForm, type SavedTurn, type TurnCheckContext } from './turnSettings';

const nothing: SavedTurn = { urls: [], secret: '', lifetimeSeconds: 28_800, relayOnly: false };
const fresh: TurnCheckContext = { saved: nothing, fromEnvironment: [], turnElsewhere: false };
const SECRET = 'coturn-static-auth-secret-0123';

describe('TURN settings form', () => {
  it('takes turn: and turns: addresses one a line, with the secret, lifetime and relay-only', () => {
    const form = {
      turnUrls: ' turn:turn.example.com:3478?transport=udp\n\nturns:turn.example.com:443?transport=tcp \r\n',
      turnSecret: SECRET,
      turnLifetimeSeconds: '3600',
      turnRelayOnly: true,
    };
    expect(checkTurnForm(form, fresh)).toEqual({
      ok: true,
      next: {
        urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:443?transport=tcp'],
        secret: SECRET,
        lifetimeSeconds: 3600,
        relayOnly: true,
      },
    });
  });

  it.each([
    'stun:stun.example.com:3478',
    'https://turn.example.com',
    'turn:turn.example.com:3478?transport=sctp',
    'turn:two words',
  ])('names the field and the address for %s, which is not a TURN address', (url) => {
    const result = checkTurnForm({ turnUrls: `turn:ok.example.com:3478\n${url}`, turnSecret: SECRET }, fresh);
    expect(result).toEqual({ ok: false, errors: { turnUrls: { rule: 'turnUrlsFormat', value: url } } });
  });

  it('refuses more than 16 addresses', () => {
    const urls = Array.from({ length: 17 }, (_, i) => `turn:t${i}.example.com:3478`).join('\n');
    expect(checkTurnForm({ turnUrls: urls, turnSecret: SECRET }, fresh)).toMatchObject({
      ok: false,
      errors: { turnUrls: { rule: 'turnUrlsTooMany' } },
    });
  });

  it('needs a secret of 16+ characters with addresses, and keeps the saved one when the field is left empty', () => {
    const urls = 'turn:turn.example.com:3478';
    expect(checkTurnForm({ turnUrls: urls, turnSecret: '' }, fresh)).toMatchObject({
      errors: { turnSecret: { rule: 'turnSecretRequired' } },
    });
    expect(checkTurnForm({ turnUrls: urls, turnSecret: 'too-short' }, fresh)).toMatchObject({
      errors: { turnSecret: { rule: 'turnSecretLength' } },
    });
    const saved = { ...fresh, saved: { ...nothing, urls: [urls], secret: SECRET } };
    expect(checkTurnForm({ turnUrls: urls, turnSecret: '' }, saved)).toMatchObject({
      ok: true,
      next: { secret: SECRET },
    });
    // Clearing the secret while addresses remain would leave TURN without credentials.
    expect(checkTurnForm({ turnUrls: urls, clearTurnSecret: true }, saved)).toMatchObject({
      errors: { turnSecret: { rule: 'turnSecretRequired' } },
    });
    expect(checkTurnForm({ turnUrls: '', clearTurnSecret: true }, saved)).toMatchObject({
      ok: true,
      next: { urls: [], secret: '' },
    });
  });

  it.each(['59', '604801', '1.5', '-60', 'eight hours'])('refuses a lifetime of %s seconds', (lifetime) => {
    expect(checkTurnForm({ turnLifetimeSeconds: lifetime }, fresh)).toMatchObject({
      errors: { turnLifetimeSeconds: { rule: 'turnLifetimeRange' } },
    });
  });

  it('takes the default lifetime when the field is emptied', () => {
    expect(checkTurnForm({ turnLifetimeSeconds: ' ' }, fresh)).toMatchObject({ next: { lifetimeSeconds: 28_800 } });
  });

  it('refuses relay-only with no TURN server anywhere (no call would have audio), takes it with one elsewhere', () => {
    expect(checkTurnForm({ turnUrls: '', turnRelayOnly: true }, fresh)).toMatchObject({
      errors: { turnRelayOnly: { rule: 'turnRelayOnlyNeedsTurn' } },
    });
    expect(checkTurnForm({ turnUrls: '', turnRelayOnly: true }, { ...fresh, turnElsewhere: true })).toMatchObject({
      ok: true,
      next: { relayOnly: true },
    });
  });

  it('refuses a field the environment sets, and checks the others without it', () => {
    const env: TurnCheckContext = {
      ...fresh,
      fromEnvironment: ['turnUrls', 'turnSecret', 'turnLifetimeSeconds'],
      turnElsewhere: true,
    };
    expect(checkTurnForm({ turnUrls: 'turn:mine.example.com:3478', turnSecret: SECRET }, env)).toEqual({
      ok: false,
      errors: { turnUrls: { rule: 'turnSetByEnvironment' }, turnSecret: { rule: 'turnSetByEnvironment' } },
    });
    expect(checkTurnForm({ turnRelayOnly: true }, env)).toMatchObject({ ok: true, next: { relayOnly: true } });
  });
});
