import { describe, expect, it } from 'vitest';
import type { InvokeHandlers } from '../shared/ipcContract';
import { dispatchInvoke, IpcRequestError } from './ipcDispatch';

const seen: unknown[] = [];
const handlers: InvokeHandlers = {
  'call:answer': async (r) => (seen.push(r), { ok: true }),
  'call:reject': async () => ({ ok: true }),
  'call:hangup': async () => ({ ok: true }),
  'call:mediaFailed': async () => ({ ok: true }),
  'calls:list': async () => [],
  'app:status': async () => ({ iceServers: [], problems: [] }),
};

describe('IPC dispatch', () => {
  it('passes a valid request to its handler, stripped of extra fields', async () => {
    await expect(dispatchInvoke(handlers, 'call:answer', { callId: 'c', sdpAnswer: 'v=0', extra: 1 })).resolves.toEqual({ ok: true });
    expect(seen.at(-1)).toEqual({ callId: 'c', sdpAnswer: 'v=0' });
  });

  it('refuses unknown channels, inherited names and invalid payloads', async () => {
    await expect(dispatchInvoke(handlers, 'shell:exec', {})).rejects.toBeInstanceOf(IpcRequestError);
    await expect(dispatchInvoke(handlers, 'toString', {})).rejects.toThrow('unknown channel');
    await expect(dispatchInvoke(handlers, 'call:reject', { callId: 5 })).rejects.toThrow('invalid call:reject request: callId');
    await expect(dispatchInvoke(handlers, 'call:answer', { callId: 'c', sdpAnswer: 'x'.repeat(70_000) })).rejects.toThrow(
      'sdpAnswer',
    );
    await expect(dispatchInvoke(handlers, 'calls:list', null)).rejects.toThrow('invalid calls:list');
  });
});
