import type { EventChannel, EventPayload, InvokeChannel, SoftphoneApi } from '../../shared/ipcContract';

/**
 * The same contract as the Electron preload, carried over HTTP and server-sent events,
 * for the browser host that runs this renderer against the main-side services in Node.
 */
export function createHttpBridge(base = ''): SoftphoneApi {
  const listeners = new Map<EventChannel, Set<(payload: never) => void>>();
  const source = new EventSource(`${base}/api/events`);
  source.addEventListener('message', (message: MessageEvent<string>) => {
    const { channel, payload } = JSON.parse(message.data) as { channel: EventChannel; payload: unknown };
    for (const listener of listeners.get(channel) ?? []) listener(payload as never);
  });
  return {
    async invoke(channel: InvokeChannel, request: unknown) {
      const response = await fetch(`${base}/api/invoke/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request),
      });
      const body = (await response.json()) as { result?: unknown; error?: string };
      if (!response.ok) throw new Error(body.error ?? `request failed with HTTP ${response.status}`);
      return body.result as never;
    },
    on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void) {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(channel, set);
      return () => set.delete(listener as (payload: never) => void);
    },
  } as SoftphoneApi;
}
