import type { CallSignal } from '../shared/callSignals';
import type { Logger } from '../whatsapp/logger';
import type { Bus } from './bus';
import type { CallStore } from './callStore';
import type { Presence } from './presence';

export type Routing = 'ring_all' | 'longest_idle';

type Offered = Extract<CallSignal, { type: 'call_offered' }>;

/** What the relay asks of whichever router the team uses (one ring for the whole team, or queues). */
export interface CallRouter {
  /** False for a retry or a call already ended; otherwise the queue it went to, where the team has queues. */
  take(offer: Offered, phoneNumberId?: string): Promise<false | { queue?: string }>;
  afterDecline(callId: string, declined: string[]): Promise<'passed_on' | 'still_ringing' | 'nobody_left'>;
  passOn(callIds: Iterable<string>): Promise<void>;
  /** An agent answered the call (pre_accept went through). */
  answered?(callId: string, agentId: string): Promise<void>;
}

/** Who rings for a call: every available agent, or the longest-idle one at a time. */
export function createRouter(deps: {
  routing: Routing;
  store: CallStore;
  presence: Presence;
  bus: Bus;
  log: Logger;
}): CallRouter {
  const { routing, store, presence, bus, log } = deps;

  async function offerToNext(offer: Offered): Promise<void> {
    const tried = await store.tried(offer.callId);
    const [next] = await presence.available(tried);
    if (!next) {
      log.info('no agent left to ring; the call rings out', { callId: offer.callId });
      return;
    }
    await store.addTried(offer.callId, next);
    await bus.publish({ kind: 'offer', callId: offer.callId, targets: [next], event: offer });
  }

  return {
    /**
     * A webhook's offer: taken once across all instances (never after its own terminate) and rung. With ring_all
     * the ring is published by the same Redis step that takes it. False when it was a retry or had already ended.
     */
    async take(offer: Offered): Promise<false | { queue?: string }> {
      if (routing === 'longest_idle') {
        if ((await store.takeOffer(offer)).outcome !== 'new') return false;
        await offerToNext(offer);
        return {};
      }
      const taken = await store.takeOffer(offer, { kind: 'offer', callId: offer.callId, event: offer });
      if (taken.outcome !== 'new') return false;
      // No instance listening (their subscriptions are coming back after a Redis restart): nobody would ring,
      // so fail and let Meta deliver the call again.
      if (taken.heard === 0) throw new Error('no relay instance is subscribed to the bus yet');
      return {};
    },
    /**
     * After an agent declines: passes the call on, and says whether it must be rejected on WhatsApp
     * because nobody else can take it.
     */
    async afterDecline(callId: string, declined: string[]): Promise<'passed_on' | 'still_ringing' | 'nobody_left'> {
      const offer = await store.offer(callId);
      if (routing === 'longest_idle' && offer) {
        const left = await presence.available([...declined, ...(await store.tried(callId))]);
        if (left.length > 0) {
          await offerToNext(offer);
          return 'passed_on';
        }
      } else if ((await presence.available(declined)).length > 0) {
        return 'still_ringing';
      }
      return 'nobody_left';
    },
    /** Calls that rang only at an agent who has gone are offered to the next one. */
    async passOn(callIds: Iterable<string>): Promise<void> {
      for (const callId of callIds) {
        const [owner, offer, ended] = await Promise.all([
          store.owner(callId),
          store.offer(callId),
          store.terminated(callId),
        ]);
        if (!owner && offer && !ended) await offerToNext(offer);
      }
    },
  };
}
export type Router = CallRouter;
