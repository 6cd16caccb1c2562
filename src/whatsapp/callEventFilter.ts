import type { CallEvent } from '../shared/parseWebhook';
import { arrivalClock } from './arrivalClock';
import { createDeliveryLag, type Lateness } from './deliveryLag';
import type { Logger } from './logger';

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
  /** The wall clock. */
  now?: () => number;
  /** A monotonic clock, so that a step of the wall clock makes no call look late; follows `now` when only it is set. */
  steadyNow?: () => number;
  /** How long a delivered event is remembered; Meta retries within minutes, not hours. */
  rememberMs?: number;
  /**
   * A connect that arrived this much later than recent deliveries typically do can no longer be answered
   * (Meta's window is 30 to 60 s); measured on arrival, so a desk clock that is off loses no call.
   */
  staleOfferMs?: number;
  /**
   * On a fresh start, with too few deliveries to learn our clock's offset from Meta's, a connect is judged on our
   * own clock and allowed this much clock error beyond `staleOfferMs`: days-old retries are refused, a clock some
   * minutes off loses no call.
   */
  ownClockToleranceMs?: number;
  maxRemembered?: number;
  /** Told of every connect not rung because it came too late (warn: the caller never hears it ring). */
  log?: Pick<Logger, 'warn'>;
  onStale?: () => void;
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
    case 'account_alert':
      return `account:${JSON.stringify(event.alert)}`;
    case 'list_reply':
      return `list:${event.messageId}`;
    case 'button_reply':
      return `button:${event.messageId}`;
  }
}

/**
 * Decides which webhook events reach the app: Meta delivers at least once and in no set order,
 * so repeats are dropped and a connect that arrives after its own terminate never rings.
 */
export function createCallEventFilter(options: CallEventFilterOptions = {}) {
  const clock = arrivalClock(options);
  const rememberMs = options.rememberMs ?? 30 * 60_000;
  const staleOfferMs = options.staleOfferMs ?? 60_000;
  const ownClockLimitMs = staleOfferMs + (options.ownClockToleranceMs ?? 10 * 60_000);
  const maxRemembered = options.maxRemembered ?? 50_000;
  const memory = options.store ? undefined : memorySeenStore();
  const seen = options.store ?? memory!;
  const lag = createDeliveryLag();

  function tooLate(event: Extract<CallEvent, { type: 'call_offered' }>, measured: Lateness, steadyMs: number): boolean {
    // Our own clock (as it read at start, moved on steadily) bounds every judgement: a backlog of old retries (a relay
    // back after downtime) would make old look typical to the median.
    const ownAgeMs = steadyMs - event.timestampMs;
    const lateness: Lateness = ownAgeMs > ownClockLimitMs ? { ageMs: ownAgeMs, basis: 'own_clock' } : measured;
    const limitMs = lateness.basis === 'own_clock' ? ownClockLimitMs : staleOfferMs;
    if (!(lateness.ageMs > limitMs)) return false;
    const against = lateness.basis === 'own_clock' ? 'our own clock' : 'recent deliveries';
    options.log?.warn('call not rung: its connect came too late to answer', {
      callId: event.callId,
      reason: `too late: ${Math.round(lateness.ageMs / 1000)} s old by ${against}, limit ${limitMs / 1000} s`,
      metaTimestampSec: event.timestampMs / 1000,
    });
    options.onStale?.();
    return true;
  }

  function check(event: CallEvent): FilterVerdict {
    // Account alerts carry no Meta timestamp and never ring: a repeat only shows the same alert again.
    if (event.type === 'account_alert') return { deliver: true };
    const arrival = clock();
    seen.prune(arrival.wallMs - rememberMs, maxRemembered);
    const key = eventKey(event);
    // A repeat is Meta retrying, not a sample of how long a delivery takes.
    if (seen.has(key)) return { deliver: false, reason: 'duplicate' };
    const lateness = lag.observe(event.timestampMs, arrival);
    seen.add(key, arrival.wallMs);
    if (event.type === 'call_offered') {
      if (seen.has(`terminate:${event.callId}`)) return { deliver: false, reason: 'after_terminate' };
      if (tooLate(event, lateness, arrival.steadyMs)) return { deliver: false, reason: 'stale' };
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
