import { WINDOW_HEADER } from '../../shared/ipcChannels';
import type { EventChannel, EventPayload, InvokeChannel, SoftphoneApi } from '../../shared/ipcContract';
import { yieldingDelivery } from './yieldingDelivery';

/** Silence on the event stream for this long means the host is gone or hung. */
const LINK_LOST_AFTER_MS = 1500;

/**
 * The same contract as the Electron preload, carried over HTTP and server-sent events,
 * for the browser host that runs this renderer against the main-side services in Node.
 */
export function createHttpBridge(base = ''): SoftphoneApi {
  const listeners = new Map<EventChannel, Set<(payload: never) => void>>();
  const linkListeners = new Set<(up: boolean) => void>();
  const windowListeners = new Set<(isTheWindow: boolean) => void>();
  const refusedListeners = new Set<() => void>();
  /** The host answers 401 to a page whose sign-in cookie is not this run's: nothing the page asks can reach it. */
  const signInRefused = () => {
    for (const listener of refusedListeners) listener();
  };
  /** Given by the host to the one window it works with; a second window is refused until the first is gone. */
  let windowId: string | undefined;
  let up = true;
  let lastHeard = Date.now();
  const setLink = (next: boolean) => {
    if (next === up) return;
    up = next;
    for (const listener of linkListeners) listener(up);
  };
  const heard = () => {
    lastHeard = Date.now();
    setLink(true);
  };
  const source = new EventSource(`${base}/api/events`);
  const deliver = yieldingDelivery();
  source.addEventListener('message', (message: MessageEvent<string>) => {
    heard();
    deliver(() => {
      const { channel, payload } = JSON.parse(message.data) as { channel: EventChannel; payload: unknown };
      for (const listener of listeners.get(channel) ?? []) listener(payload as never);
    });
  });
  source.addEventListener('hello', (message: MessageEvent<string>) => {
    heard();
    windowId = (JSON.parse(message.data) as { windowId: string }).windowId;
    for (const listener of windowListeners) listener(true);
  });
  source.addEventListener('refused', () => {
    heard();
    windowId = undefined;
    for (const listener of windowListeners) listener(false);
  });
  source.addEventListener('ping', heard);
  source.addEventListener('open', heard);
  // A dead host drops the stream at once; a hung one stops its heartbeat (every 500 ms): either way, within 2 s.
  source.addEventListener('error', () => {
    setLink(false);
    // The browser gives up on a stream refused outright (a 401 to a stale sign-in); a host that is down sends nothing.
    if (source.readyState === EventSource.CLOSED) void probeSignIn();
  });
  async function probeSignIn(): Promise<void> {
    const response = await fetch(`${base}/api/invoke/app%3Astatus`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    }).catch(() => undefined);
    if (response?.status === 401) signInRefused();
  }
  setInterval(() => {
    if (Date.now() - lastHeard > LINK_LOST_AFTER_MS) setLink(false);
  }, 250);
  return {
    onLink(listener: (up: boolean) => void) {
      linkListeners.add(listener);
      return () => linkListeners.delete(listener);
    },
    onWindow(listener: (isTheWindow: boolean) => void) {
      windowListeners.add(listener);
      return () => windowListeners.delete(listener);
    },
    onSignInRefused(listener: () => void) {
      refusedListeners.add(listener);
      return () => refusedListeners.delete(listener);
    },
    async invoke(channel: InvokeChannel, request: unknown) {
      const response = await fetch(`${base}/api/invoke/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(windowId ? { [WINDOW_HEADER]: windowId } : {}) },
        body: JSON.stringify(request),
      });
      if (response.status === 401) signInRefused();
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
