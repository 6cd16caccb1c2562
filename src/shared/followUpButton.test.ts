import { describe, expect, it } from 'vitest';
import { CALL_BUTTON_PAYLOAD_MAX, followedUpCall, followUpPayload } from './followUpButton';

describe('the follow-up call button payload', () => {
  it('names the missed call, and is read back from cta_payload', () => {
    const payload = followUpPayload('wacid.HBgLMTQxMjYxMzYyNTMVAgASGCBGODQ1');
    expect(followedUpCall(payload)).toBe('wacid.HBgLMTQxMjYxMzYyNTMVAgASGCBGODQ1');
  });

  it('ignores payloads that are not ours, and empty ones', () => {
    expect(followedUpCall(undefined)).toBeUndefined();
    expect(followedUpCall('campaign-42')).toBeUndefined();
    expect(followedUpCall(followUpPayload(''))).toBeUndefined();
  });

  it("stays within Meta's 512 characters", () => {
    expect(followUpPayload('x'.repeat(2000)).length).toBe(CALL_BUTTON_PAYLOAD_MAX);
  });
});
