import { describe, expect, it } from 'vitest';
import { mayCarryToken } from './mediaHosts';

const GRAPH = 'https://graph.facebook.com';

describe('mayCarryToken', () => {
  it.each([
    'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1337',
    'https://graph.facebook.com/v23.0/1002764438271669',
    'https://mmg.whatsapp.net/v/t62/abc',
  ])('sends the token to Meta: %s', (url) => expect(mayCarryToken(url, GRAPH)).toBe(true));

  it.each([
    'http://lookaside.fbsbx.com/x',
    'https://lookaside.fbsbx.com.evil.example/x',
    'https://evilfbsbx.com/x',
    'https://user:pw@lookaside.fbsbx.com/x',
    'https://lookaside.fbsbx.com:8443/x',
    'https://127.0.0.1/x',
    'file:///etc/passwd',
    'not a url',
  ])('keeps the token from %s', (url) => expect(mayCarryToken(url, GRAPH)).toBe(false));

  it('trusts the configured Graph origin (the simulator), and only that port', () => {
    expect(mayCarryToken('http://127.0.0.1:4555/media/1', 'http://127.0.0.1:4555')).toBe(true);
    expect(mayCarryToken('http://127.0.0.1:4556/media/1', 'http://127.0.0.1:4555')).toBe(false);
  });
});
