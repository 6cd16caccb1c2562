import { errorText } from '../shared/errorText';
import { callbackOfferOf, type QueueConfig, type TurnedAwayReason } from '../shared/teamQueues';
import type { QueueCallbacks } from './callbacks/queueCallbacks';
import type { GraphClient } from '../whatsapp/graphClient';
import type { Logger } from '../whatsapp/logger';
import type { CallStore } from './callStore';
import type { CallRecorder } from './records/callRecorder';
import type { RelayMetrics } from './metrics';

export interface TurnedAwayCall {
  callId: string;
  customer: string;
  queue: QueueConfig;
  reason: TurnedAwayReason;
}

/**
 * Ends on WhatsApp a call its queue will not take (closed, or the caller waited past the maximum): first the queue's
 * message to the customer when it has one, then the call is rejected, or terminated where a bot had answered it. A
 * message WhatsApp refuses never keeps the call open. The text needs no template: a user's call opens the 24-hour
 * customer service window whether or not it is answered (Meta, "Calling API Pricing"). With `callback`, the call is
 * ended first and the customer is then offered a callback with reply buttons.
 */
export function createQueueTurnAway(deps: {
  store: Pick<CallStore, 'wasAccepted' | 'markTurnedAway' | 'offer'>;
  /** Queues whose turn-away offers a callback: the customer gets the offer once the call is ended. */
  callbacks?: Pick<QueueCallbacks, 'offer'>;
  metrics?: () => Pick<RelayMetrics, 'callTurnedAway'> | undefined;
  graphFor: (callId: string) => Promise<GraphClient>;
  records?: Pick<CallRecorder, 'record'>;
  log: Logger;
}) {
  const { log } = deps;
  return async function turnAway(call: TurnedAwayCall): Promise<void> {
    const { callId, queue, reason } = call;
    // Noted before WhatsApp hears of it: its terminate webhook then counts a call turned away, not a missed one.
    await deps.store.markTurnedAway(callId);
    deps.metrics?.()?.callTurnedAway(queue.id, reason);
    const how = reason === 'closed' ? queue.hours?.closed : queue.maxWait;
    const graph = await deps.graphFor(callId);
    if (how?.action === 'message' && how.message && call.customer) {
      await graph.sendMessage(call.customer, how.message).catch((error: unknown) =>
        log.warn('the queue’s message to the customer was not sent; the call is ended all the same', {
          callId,
          error: errorText(error),
        }),
      );
    }
    const answered = await deps.store.wasAccepted(callId);
    const end = () => (answered ? graph.terminate(callId) : graph.reject(callId));
    // One more try for a passing failure; a call left ringing at WhatsApp is what must not happen.
    await end()
      .catch(() => end())
      .then(
        () => log.info('call turned away by its queue', { callId, queue: queue.id, reason }),
        (error: unknown) =>
          log.error('a call the queue turned away could not be ended on WhatsApp', {
            callId,
            error: errorText(error),
          }),
      );
    deps.records?.record({ kind: 'turned_away', callId, reason, atMs: Date.now() });
    const words = callbackOfferOf(how);
    if (words && deps.callbacks && call.customer) {
      // After the call is ended: WhatsApp hears nothing else of it, and the offer keeps the call's place.
      const offered = await deps.store.offer(callId);
      await deps.callbacks.offer({
        callId,
        customer: call.customer,
        queue,
        words,
        arrivedAtMs: offered?.timestampMs ?? Date.now(),
      });
    }
  };
}
export type QueueTurnAway = ReturnType<typeof createQueueTurnAway>;
