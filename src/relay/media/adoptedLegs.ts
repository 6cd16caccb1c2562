import type { Redis } from 'ioredis';
import { z } from 'zod';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../../whatsapp/logger';
import type { ClaimedJanusSession } from './janusSessionClaim';

/** The legs a relay instance must be able to move without the desk that joined them: the customer's and the bot's. */
export type AdoptableLeg = 'customer' | 'assistant';

/** Where one leg's Janus handle lives: the instance whose session holds it, on which Janus. */
const LegPlace = z.object({ instance: z.string(), url: z.string(), sessionId: z.number(), handle: z.number() });

/** Longer than any call: the entry goes with the call's room anyway. */
const KEEP_S = 12 * 3600;

/**
 * The customer's and the bot's legs of calls whose relay instance died, taken over by this one. Every instance notes
 * in Redis which Janus handle holds each such leg; when an instance dies and this one claims its Janus session
 * (janusSessionKeeper), the legs of that session become this instance's to move: the customer to the hold room and
 * back, the bot muted or sent away, and a bot that hangs up is heard of. Desks' legs are not here: a desk whose
 * instance died joins again through the instance it reconnects to.
 */
export function createAdoptedLegs(deps: { redis: Redis; prefix: string; instance: string; log: Logger }) {
  const { redis, prefix, instance, log } = deps;
  const legsKey = (callId: string) => `${prefix}:anchor-legs:${callId}`;
  const adopted = new Map<string, Map<AdoptableLeg, { claim: ClaimedJanusSession; handle: number }>>();
  const adoptedLeg = (callId: string, kind: AdoptableLeg) => adopted.get(callId)?.get(kind);

  return {
    /** This instance joined the leg: noted, so another can take it over should this one die. */
    async note(callId: string, kind: AdoptableLeg, where: { url: string; sessionId: number; handle: number }) {
      await redis
        .multi()
        .hset(legsKey(callId), kind, JSON.stringify({ instance, ...where }))
        .expire(legsKey(callId), KEEP_S)
        .exec();
    },
    /** The leg left (or the call ended: every leg). */
    async forget(callId: string, kind?: AdoptableLeg): Promise<void> {
      if (kind) adopted.get(callId)?.delete(kind);
      else adopted.delete(callId);
      await (kind ? redis.hdel(legsKey(callId), kind) : redis.del(legsKey(callId)));
    },
    /**
     * A dead instance's Janus session was claimed here: its customer and bot legs of `calls` are this instance's now
     * (and noted so, should this one die too). Returns the legs taken, per call.
     */
    async adopt(
      session: { from: string; url: string; sessionId: number; claim: ClaimedJanusSession },
      calls: string[],
    ): Promise<Map<string, AdoptableLeg[]>> {
      const taken = new Map<string, AdoptableLeg[]>();
      for (const callId of calls) {
        const entries = await redis.hgetall(legsKey(callId));
        for (const [kind, raw] of Object.entries(entries)) {
          if (kind !== 'customer' && kind !== 'assistant') continue;
          const parsed = LegPlace.safeParse(JSON.parse(raw));
          if (!parsed.success) continue;
          const leg = parsed.data;
          if (leg.instance !== session.from || leg.url !== session.url || leg.sessionId !== session.sessionId) continue;
          const legs = adopted.get(callId) ?? new Map();
          legs.set(kind, { claim: session.claim, handle: leg.handle });
          adopted.set(callId, legs);
          await redis.hset(legsKey(callId), kind, JSON.stringify({ ...leg, instance }));
          taken.set(callId, [...(taken.get(callId) ?? []), kind]);
        }
      }
      return taken;
    },
    has: (callId: string, kind: AdoptableLeg) => adoptedLeg(callId, kind) !== undefined,
    /** Moves the adopted customer's leg to another room of the same Janus (the hold room, or back). */
    async moveCustomer(callId: string, room: number, pin: string): Promise<boolean> {
      const leg = adoptedLeg(callId, 'customer');
      if (!leg) return false;
      await leg.claim.message(leg.handle, { request: 'changeroom', room, display: 'customer', pin });
      return true;
    },
    /** The adopted bot's leg goes quiet in the room (it handed the call over). */
    async muteBot(callId: string): Promise<void> {
      const leg = adoptedLeg(callId, 'assistant');
      if (leg) await leg.claim.message(leg.handle, { request: 'configure', muted: true });
    },
    /** The adopted leg leaves the room; its media connection closes. */
    async drop(callId: string, kind: AdoptableLeg): Promise<boolean> {
      const leg = adoptedLeg(callId, kind);
      if (!leg) return false;
      adopted.get(callId)!.delete(kind);
      await leg.claim
        .detach(leg.handle)
        .catch((error: unknown) => log.warn('an adopted leg not detached', { callId, kind, error: errorText(error) }));
      await redis.hdel(legsKey(callId), kind);
      return true;
    },
    /**
     * Whether the adopted leg is still in its room (AudioBridge lets a participant go when its media connection hangs
     * up): a hang-up while no instance held the dead one's session was heard by nobody.
     */
    async inRoom(callId: string, kind: AdoptableLeg, room: { room: number; secret: string }): Promise<boolean> {
      const leg = adoptedLeg(callId, kind);
      if (!leg) return false;
      const listed = await leg.claim.message(leg.handle, { request: 'listparticipants', ...room });
      const participants = Array.isArray(listed.participants)
        ? (listed.participants as Array<{ display?: string }>)
        : [];
      return participants.some((p) => p.display === kind);
    },
    /** `gone` runs once if Janus hangs up the adopted leg (its peer went away: a bot that crashed). */
    onHangup(callId: string, kind: AdoptableLeg, gone: () => void): void {
      const leg = adoptedLeg(callId, kind);
      leg?.claim.onHangup(leg.handle, () => {
        if (adoptedLeg(callId, kind) !== leg) return;
        adopted.get(callId)?.delete(kind);
        gone();
      });
    },
  };
}
export type AdoptedLegs = ReturnType<typeof createAdoptedLegs>;
