import { describe, expect, it } from 'vitest';
import { crmLink } from './crmLink';

describe('CRM link', () => {
  it('fills the phone, user ID and name, encoded', () => {
    expect(
      crmLink('https://crm.example.com/search?phone={phone}&user={user_id}&n={name}', {
        phone: '447700900123',
        userId: 'US.1234',
        name: 'Ana & Co',
      }),
    ).toBe('https://crm.example.com/search?phone=447700900123&user=US.1234&n=Ana%20%26%20Co');
  });

  it('never produces anything but https', () => {
    expect(crmLink('javascript:alert({phone})', { phone: '1' })).toBeUndefined();
    expect(crmLink('file:///etc/passwd?{phone}', { phone: '1' })).toBeUndefined();
    expect(crmLink('http://crm.example.com/{phone}', { phone: '1' })).toBeUndefined();
    expect(crmLink('not a url {phone}', { phone: '1' })).toBeUndefined();
    expect(crmLink(undefined, { phone: '1' })).toBeUndefined();
  });
});
