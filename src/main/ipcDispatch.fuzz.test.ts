import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS } from '../shared/ipcChannels';
import { invokeContract, type InvokeHandlers } from '../shared/ipcContract';
import { dispatchInvoke, IpcRequestError } from './ipcDispatch';

const received: Array<{ channel: string; payload: unknown }> = [];
const handlers = Object.fromEntries(
  INVOKE_CHANNELS.map((channel) => [
    channel,
    async (payload: unknown) => (received.push({ channel, payload }), { ok: true }),
  ]),
) as unknown as InvokeHandlers;

describe('IPC from the window under hostile input', () => {
  it('hands a handler only payloads its schema accepts, and refuses the rest with a request error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...INVOKE_CHANNELS), fc.string()),
        fc.jsonValue({ maxDepth: 3 }),
        async (channel, payload) => {
          received.length = 0;
          try {
            await dispatchInvoke(handlers, channel, payload);
          } catch (error) {
            expect(error).toBeInstanceOf(IpcRequestError);
            expect(received).toHaveLength(0);
            return;
          }
          expect(received).toHaveLength(1);
          const schema = invokeContract[channel as keyof typeof invokeContract].request;
          expect(schema.safeParse(received[0]!.payload).success).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses prototype tricks in channel names and payloads', async () => {
    await expect(dispatchInvoke(handlers, '__proto__', {})).rejects.toBeInstanceOf(IpcRequestError);
    await expect(dispatchInvoke(handlers, 'constructor', {})).rejects.toBeInstanceOf(IpcRequestError);
    received.length = 0;
    await dispatchInvoke(handlers, 'call:reject', JSON.parse('{"callId":"c","__proto__":{"polluted":true}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
