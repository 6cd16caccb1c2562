import { describe, expect, it } from 'vitest';
import { readCallbackData } from './callbackDataRules';

describe("the simulated Meta's biz_opaque_callback_data rules", () => {
  it('takes a string of up to 512 characters on pre_accept, accept and connect', () => {
    for (const action of ['pre_accept', 'accept', 'connect'])
      expect(readCallbackData({ action, biz_opaque_callback_data: 'é'.repeat(512) })).toEqual({
        value: 'é'.repeat(512),
      });
    expect(readCallbackData({ action: 'accept' })).toEqual({});
  });
  it('refuses more than 512 characters, a non-string, and the field on reject or terminate', () => {
    expect(readCallbackData({ action: 'accept', biz_opaque_callback_data: 'x'.repeat(513) })).toHaveProperty('problem');
    expect(readCallbackData({ action: 'accept', biz_opaque_callback_data: { a: 1 } })).toHaveProperty('problem');
    expect(readCallbackData({ action: 'reject', biz_opaque_callback_data: 'x' })).toHaveProperty('problem');
  });
});
