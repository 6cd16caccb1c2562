import type { CallEvent } from '../shared/parseWebhook';
import { createDeliveryLag } from './deliveryLag';

export type FilterVerdict = { deliver: true } | { deliver: false; reason: 'duplicate' | 'after_terminate' | 'stale' };

/** Where delivered events are remembered; in memory by default, on disk for a desk that must survive restarts. */
export interface SeenEventStore {
  has(key: string): boolean;
  add(key: string, atMs: number): void;
  remove(key: string): void;
  /** Forgets events delivered before `beforeMs`, and the oldest beyond `max`. */
  prune(beforeMs: number, max: number): void;
}

/** Insertion-ordered, so the oldest keys are first and pruning stops at the first fresh one. */
export function memorySeenStore(): SeenEventStore & { size(): number } {
  const seen = new Map<string, number>();
  return {
    has: (key) => seen.has(key),
    add: (key, atMs) => void seen.set(key, atMs),
    remove: (key) => void seen.delete(key),
    prune(beforeMs, max) {
      for (const [key, time] of seen) {
        if (time >= beforeMs && seen.size <= max) break;
        seen.delete(key);
      }
    },
    size: () => seen.size,
  };
}

export interface CallEventFilterOptions {
  store?: SeenEventStore;
  now?: () => number;
  /** How long a delivered event is remembered; Meta retries within minutes, not hours. */
  rememberMs?: number;
  /**
   * A connect that arrived this much later than the quickest recent delivery can no longer be answered
   * (Meta's window is 30 to 60 s); measured on arrival, so a desk clock that is off loses no call.
   */
  staleOfferMs?: number;
  maxRemembered?: number;
}

function eventKey(event: CallEvent): string {
  switch (event.type) {
    case 'call_offered':
      return `offer:${event.callId}`;
    case 'call_terminated':
      return `terminate:${event.callId}`;
    case 'outbound_answered':
      return `answer:${event.callId}`;
    case 'outbound_status':
      return `status:${event.callId}:${event.status}`;
    case 'permission_reply':
      return `permission:${event.from}:${event.timestampMs}:${event.response}`;
    case 'call_media_available':
      return `media:${event.callId}:${event.kind}:${event.mediaId}`;
  }
}

/**
 * Decides which webhook events reach the app: Meta delivers at least once and in no set order,
 * so repeats are dropped and a connect that arrives after its own terminate never rings.
 */
export function createCallEventFilter(options: CallEventFilterOptions = {}) {
  const now = options.now ?? Date.now;
  const rememberMs = options.rememberMs ?? 30 * 60_000;
  const staleOfferMs = options.staleOfferMs ?? 60_000;
  const maxRemembered = options.maxRemembered ?? 50_000;
  const memory = options.store ? undefined : memorySeenStore();
  const seen = options.store ?? memory!;
  const lag = createDeliveryLag();

  function check(event: CallEvent): FilterVerdict {
    const at = now();
    const lateByMs = lag.observe(event.timestampMs, at);
    seen.prune(at - rememberMs, maxRemembered);
    const key = eventKey(event);
    if (seen.has(key)) return { deliver: false, reason: 'duplicate' };
    seen.add(key, at);
    if (event.type === 'call_offered') {
      if (seen.has(`terminate:${event.callId}`)) return { deliver: false, reason: 'after_terminate' };
      if (lateByMs > staleOfferMs) return { deliver: false, reason: 'stale' };
    }
    return { deliver: true };
  }

  /** Lets a repeat of this event through again: its delivery failed, and Meta's retry must not be dropped. */
  function forget(event: CallEvent): void {
    seen.remove(eventKey(event));
  }

  return { check, forget, size: () => memory?.size() };
}

export type CallEventFilter = ReturnType<typeof createCallEventFilter>;
