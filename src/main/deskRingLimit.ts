import { MAX_RING_SECONDS } from '../shared/teamQueues';

/** Meta stops ringing the caller after 30 to 60 s: a desk on its own ends the ring itself then, as a missed call. */
const DIRECT_RING_LIMIT_MS = 60_000;

/**
 * How long an incoming call may ring at this desk before the desk itself ends it. Through a team relay the relay
 * ends each ring after its queue's ring time (up to MAX_RING_SECONDS) as a ring nobody answered; a desk that ended it
 * first would send a decline, counted as the agent's, and enough of those reject the customer on WhatsApp. So the
 * desk's limit there is only a backstop, past any queue's ring time.
 */
export function deskRingLimitMs(mode: 'direct' | 'relay'): number {
  return mode === 'relay' ? (MAX_RING_SECONDS + 10) * 1000 : DIRECT_RING_LIMIT_MS;
}
