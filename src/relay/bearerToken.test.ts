import { describe, expect, it } from 'vitest';
import { bearerToken } from './bearerToken';

describe('a bearer token in an Authorization header', () => {
  it('is read whatever the case of the scheme', () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) expect(bearerToken(`${scheme} abc.def`)).toBe('abc.def');
  });

  it('is nothing for another scheme, no token, or a token with spaces', () => {
    for (const header of [undefined, '', 'Basic YWJj', 'Bearer', 'Bearer ', 'Bearer a b', 'Bearerabc'])
      expect(bearerToken(header)).toBeUndefined();
  });
});
