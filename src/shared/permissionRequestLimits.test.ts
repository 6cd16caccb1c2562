import { describe, expect, it } from 'vitest';
import { nextPermissionRequestAt } from './permissionRequestLimits';

const H = 3600_000;
const D = 24 * H;

describe('call-permission request limits (1 a day, 2 a week per customer)', () => {
  it('allows the first request', () => {
    expect(nextPermissionRequestAt([], 10 * D)).toBeUndefined();
  });

  it('waits a day after one request', () => {
    expect(nextPermissionRequestAt([10 * D], 10 * D + H)).toBe(11 * D);
    expect(nextPermissionRequestAt([10 * D], 11 * D)).toBeUndefined();
  });

  it('waits for the week to clear after two requests', () => {
    expect(nextPermissionRequestAt([10 * D, 12 * D], 13 * D)).toBe(17 * D);
    expect(nextPermissionRequestAt([10 * D, 12 * D], 17 * D)).toBeUndefined();
  });
});
