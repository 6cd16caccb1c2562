import { describe, expect, it } from 'vitest';
import { isAppUrl } from './appUrl';
import { allowPermissionCheck, allowPermissionRequest } from './permissionPolicy';

const APP = 'file:///opt/softphone/out/renderer/index.html';

describe('Electron permission policy', () => {
  it('grants the microphone to the app page, and nothing else', () => {
    expect(allowPermissionRequest({ permission: 'media', mediaTypes: ['audio'], requestingUrl: APP }, APP)).toBe(true);
    expect(
      allowPermissionRequest({ permission: 'media', mediaTypes: ['audio', 'video'], requestingUrl: APP }, APP),
    ).toBe(false);
    expect(allowPermissionRequest({ permission: 'geolocation', requestingUrl: APP }, APP)).toBe(false);
    expect(
      allowPermissionRequest({ permission: 'notifications', mediaTypes: ['audio'], requestingUrl: APP }, APP),
    ).toBe(false);
  });

  it('refuses a media request that names no media at all', () => {
    expect(allowPermissionRequest({ permission: 'media', mediaTypes: [], requestingUrl: APP }, APP)).toBe(false);
    expect(allowPermissionRequest({ permission: 'media', requestingUrl: APP }, APP)).toBe(false);
  });

  it('judges checks on the exact page, not on file://’s empty origin', () => {
    expect(allowPermissionCheck({ permission: 'media', mediaType: 'audio', pageUrl: APP }, APP)).toBe(true);
    expect(allowPermissionCheck({ permission: 'media', mediaType: 'video', pageUrl: APP }, APP)).toBe(false);
    expect(allowPermissionCheck({ permission: 'media', mediaType: 'audio', pageUrl: 'file:///' }, APP)).toBe(false);
    expect(
      allowPermissionCheck({ permission: 'media', mediaType: 'audio', pageUrl: 'file:///tmp/evil.html' }, APP),
    ).toBe(false);
    expect(allowPermissionCheck({ permission: 'media', mediaType: 'audio' }, APP)).toBe(false);
  });

  it('treats only that exact file as the app: no host, no query', () => {
    expect(isAppUrl('file://evil.example/opt/softphone/out/renderer/index.html', APP)).toBe(false);
    expect(isAppUrl(`${APP}?next=elsewhere`, APP)).toBe(false);
    expect(isAppUrl(`${APP}#settings`, APP)).toBe(true);
  });
});
