import { describe, expect, it } from 'vitest';
import { isAppUrl } from './appUrl';

describe('app URL check', () => {
  it('accepts only the app page itself for file URLs', () => {
    const app = 'file:///opt/softphone/out/renderer/index.html';
    expect(isAppUrl('file:///opt/softphone/out/renderer/index.html', app)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', app)).toBe(false);
  });

  it('accepts the dev server origin and nothing else', () => {
    const app = 'http://localhost:5173/';
    expect(isAppUrl('http://localhost:5173/index.html', app)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', app)).toBe(false);
    expect(isAppUrl('https://evil.example/', app)).toBe(false);
    expect(isAppUrl('not a url', app)).toBe(false);
  });
});
