import { invokeContract, type InvokeChannel, type InvokeHandlers } from '../shared/ipcContract';

export class IpcRequestError extends Error {
  override readonly name = 'IpcRequestError';
}

function isInvokeChannel(channel: string): channel is InvokeChannel {
  return Object.hasOwn(invokeContract, channel);
}

/** Runs one renderer request after checking the channel and payload against the contract. */
export async function dispatchInvoke(handlers: InvokeHandlers, channel: string, payload: unknown): Promise<unknown> {
  if (!isInvokeChannel(channel)) throw new IpcRequestError(`unknown channel ${JSON.stringify(channel.slice(0, 64))}`);
  const parsed = invokeContract[channel].request.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new IpcRequestError(`invalid ${channel} request: ${issue?.path.join('.') || '(root)'} ${issue?.message}`);
  }
  const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
  return handler(parsed.data);
}
