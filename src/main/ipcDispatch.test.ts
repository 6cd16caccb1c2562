import { describe, expect, it } from 'vitest';
import type { InvokeHandlers } from '../shared/ipcContract';
import { dispatchInvoke, IpcRequestError } from './ipcDispatch';

const seen: unknown[] = [];
// Only the channels these tests call.
const handlers = {
  'call:answer': async (r: unknown) => (seen.push(r), { ok: true }),
  'call:reject': async () => ({ ok: true }),
  'calls:list': async () => [],
} as unknown as InvokeHandlers;

describe('IPC dispatch', () => {
  it('passes a valid request to its handler, stripped of extra fields', async () => {
    await expect(dispatchInvoke(handlers, 'call:answer', { callId: 'c', sdpAnswer: 'v=0', extra: 1 })).resolves.toEqual(
      { ok: true },
    );
    expect(seen.at(-1)).toEqual({ callId: 'c', sdpAnswer: 'v=0' });
  });

  it('refuses unknown channels, inherited names and invalid payloads', async () => {
    await expect(dispatchInvoke(handlers, 'shell:exec', {})).rejects.toBeInstanceOf(IpcRequestError);
    await expect(dispatchInvoke(handlers, 'toString', {})).rejects.toThrow('unknown channel');
    await expect(dispatchInvoke(handlers, 'call:reject', { callId: 5 })).rejects.toThrow(
      'invalid call:reject request: callId',
    );
    await expect(
      dispatchInvoke(handlers, 'call:answer', { callId: 'c', sdpAnswer: 'x'.repeat(70_000) }),
    ).rejects.toThrow('sdpAnswer');
    await expect(dispatchInvoke(handlers, 'calls:list', null)).rejects.toThrow('invalid calls:list');
  });
});
