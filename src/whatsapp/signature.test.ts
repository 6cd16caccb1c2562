import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from './signature';

const body = Buffer.from('{"object":"whatsapp_business_account"}');

describe('webhook signature', () => {
  it('accepts the HMAC-SHA256 of the raw body', () => {
    expect(verifySignature(body, signBody(body, 's3cret'), 's3cret')).toEqual({ ok: true });
  });

  it('matches a known HMAC value', () => {
    expect(signBody('abc', 'key')).toBe('sha256=9c196e32dc0175f86f4b1cb89289d6619de6bee699e4c378e68309ed97a1a6ab');
  });

  it('refuses a missing, malformed or wrong signature with a reason', () => {
    expect(verifySignature(body, undefined, 's3cret')).toEqual({
      ok: false,
      reason: 'missing X-Hub-Signature-256 header',
    });
    expect(verifySignature(body, 'sha1=abcd', 's3cret')).toMatchObject({
      ok: false,
      reason: 'malformed X-Hub-Signature-256 header',
    });
    expect(verifySignature(body, signBody(body, 'other'), 's3cret')).toMatchObject({
      reason: 'signature does not match the body',
    });
  });

  it('refuses the signature of a body that was changed by one byte', () => {
    const signature = signBody(body, 's3cret');
    const changed = Buffer.from(body);
    changed[2] = changed[2]! ^ 1;
    expect(verifySignature(changed, signature, 's3cret').ok).toBe(false);
  });
});
