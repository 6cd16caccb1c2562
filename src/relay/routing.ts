import type { CallSignal } from '../shared/callSignals';
import type { Logger } from '../whatsapp/logger';
import type { Bus } from './bus';
import type { CallStore } from './callStore';
import type { TeamFloor } from './team/teamFloor';

export type Routing = 'ring_all' | 'longest_idle';

type Offered = Extract<CallSignal, { type: 'call_offered' }>;

/** What the relay asks of whichever router the team uses (one ring for the whole team, or queues). */
export interface CallRouter {
  /** False for a retry or a call already ended; otherwise the queue it went to, where the team has queues. */
  take(offer: Offered, phoneNumberId?: string): Promise<false | { queue?: string }>;
  afterDecline(callId: string, declined: string[]): Promise<'passed_on' | 'still_ringing' | 'nobody_left'>;
  /** Calls that stopped ringing at an agent (gone, or `from`, who went not ready): they move on at once. */
  passOn(callIds: Iterable<string>, from?: string): Promise<void>;
  /** An agent answered the call (pre_accept went through). */
  answered?(callId: string, agentId: string): Promise<void>;
}

/** How many free agents a longest-idle step looks at: the first one who can still be reserved rings. */
const LOOK_AHEAD = 50;

/**
 * Who rings for a call: every free agent, or the longest-idle one at a time. Each ring reserves its agent in the
 * team model first, so two calls arriving together never pick the same agent, and an agent on a call, ringing
 * elsewhere, in after-call work or not ready is never rung.
 */
export function createRouter(deps: {
  routing: Routing;
  store: CallStore;
  floor: TeamFloor;
  bus: Bus;
  log: Logger;
}): CallRouter {
  const { routing, store, floor, bus, log } = deps;

  async function ring(offer: Offered, agentIds: string[]): Promise<void> {
    if (agentIds.length === 0) return;
    // The bus keeps it for instances reconnecting meanwhile (a Redis restart or failover): it rings once they are back.
    await bus.publish({ kind: 'offer', callId: offer.callId, targets: agentIds, event: offer });
  }

  /** The model rescinded the agent's ring: their desk stops ringing, and they may no longer answer the call. */
  async function stopRinging(callId: string, agentId: string): Promise<void> {
    if (!(await store.withdraw(callId, [agentId]))) return;
    await bus.publish({
      kind: 'direct',
      callId,
      targets: [agentId],
      event: { type: 'call_passed_on', callId, afterSec: 0, because: 'not_ready' },
    });
  }

  async function offerToNext(offer: Offered, exclude: string[] = []): Promise<boolean> {
    const tried = [...exclude, ...(await store.tried(offer.callId))];
    const candidates = (await floor.freeAgents(LOOK_AHEAD + tried.length)).filter((id) => !tried.includes(id));
    const [next] = await floor.reserve(offer.callId, candidates, 'answer', 1);
    if (!next) {
      log.info('no agent free to ring; the call waits', { callId: offer.callId });
      return false;
    }
    await store.addTried(offer.callId, next);
    await ring(offer, [next]);
    return true;
  }

  async function ringEveryone(offer: Offered, exclude: string[] = []): Promise<string[]> {
    const candidates = (await floor.freeAgents()).filter((id) => !exclude.includes(id));
    const reserved = await floor.reserve(offer.callId, candidates, 'answer', Infinity);
    await ring(offer, reserved);
    return reserved;
  }

  return {
    /** A webhook's offer: taken once across all instances (never after its own terminate) and rung. */
    async take(offer: Offered): Promise<false | { queue?: string }> {
      if ((await store.takeOffer(offer)).outcome !== 'new') return false;
      await floor.apply({ kind: 'offer', callId: offer.callId, waitingAllowed: false });
      if (routing === 'longest_idle') await offerToNext(offer);
      else await ringEveryone(offer);
      return {};
    },
    /** After an agent declines: passes the call on; 'nobody_left' when it must be rejected on WhatsApp. */
    async afterDecline(callId: string, declined: string[]): Promise<'passed_on' | 'still_ringing' | 'nobody_left'> {
      const [offer, call] = await Promise.all([store.offer(callId), floor.call(callId)]);
      if (call?.reservations.some((r) => r.status === 'pending')) return 'still_ringing';
      if (!offer) return 'nobody_left';
      if (routing === 'longest_idle') return (await offerToNext(offer, declined)) ? 'passed_on' : 'nobody_left';
      return (await ringEveryone(offer, declined)).length > 0 ? 'passed_on' : 'nobody_left';
    },
    /** Calls that rang only at an agent who has gone are offered to the next one. */
    async passOn(callIds: Iterable<string>, from?: string): Promise<void> {
      for (const callId of callIds) {
        if (from !== undefined) await stopRinging(callId, from);
        const [call, offer] = await Promise.all([floor.call(callId), store.offer(callId)]);
        if (call?.phase !== 'ringing' || !offer) continue;
        if (call.reservations.some((r) => r.status === 'pending')) continue;
        if (routing === 'longest_idle') await offerToNext(offer);
        else await ringEveryone(offer);
      }
    },
  };
}
export type Router = CallRouter;
