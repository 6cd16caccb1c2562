import type { Redis } from 'ioredis';
import { z } from 'zod';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../../whatsapp/logger';
import type { ClaimedJanusSession } from './janusSessionClaim';

/**
 * The legs a relay instance must be able to reach without the instance that joined them: the customer's, the bot's,
 * and an answering desk's (`desk:<agent>`, to be turned up should accept come after that instance died).
 */
export type AdoptableLeg = 'customer' | 'assistant' | `desk:${string}`;
export const deskLegKind = (agentId: string): AdoptableLeg => `desk:${agentId}`;
const isLegKind = (field: string): field is AdoptableLeg =>
  field === 'customer' || field === 'assistant' || field.startsWith('desk:');
/** The field saying WhatsApp accepted the call for this desk: whoever holds its leg turns it up. */
const heardField = (kind: AdoptableLeg) => `heard:${kind}`;

/** Where one leg's Janus handle lives: the instance whose session holds it, on which Janus. */
const LegPlace = z.object({ instance: z.string(), url: z.string(), sessionId: z.number(), handle: z.number() });

/** Longer than any call: the entry goes with the call's room anyway. */
const KEEP_S = 12 * 3600;

/**
 * The customer's, the bot's and answering desks' legs of calls whose relay instance died, taken over by this one.
 * Every instance notes in Redis which Janus handle holds each such leg; when an instance dies and this one claims its
 * Janus session (janusSessionKeeper), the legs of that session become this instance's to move: the customer to the
 * hold room and back, the bot muted or sent away, a bot that hangs up is heard of, and an answering desk's leg still
 * at volume 0 is turned up once WhatsApp accepted the call.
 */
export function createAdoptedLegs(deps: { redis: Redis; prefix: string; instance: string; log: Logger }) {
  const { redis, prefix, instance, log } = deps;
  const legsKey = (callId: string) => `${prefix}:anchor-legs:${callId}`;
  const adopted = new Map<string, Map<AdoptableLeg, { claim: ClaimedJanusSession; handle: number }>>();
  const adoptedLeg = (callId: string, kind: AdoptableLeg) => adopted.get(callId)?.get(kind);
  async function hear(callId: string, kind: AdoptableLeg): Promise<boolean> {
    const leg = adoptedLeg(callId, kind);
    if (!leg) return false;
    await leg.claim.message(leg.handle, { request: 'configure', volume: 100 });
    return true;
  }

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
      await (kind ? redis.hdel(legsKey(callId), kind, heardField(kind)) : redis.del(legsKey(callId)));
    },
    /**
     * A dead instance's Janus session was claimed here: its noted legs of `calls` are this instance's now (and noted
     * so, should this one die too); a desk's leg WhatsApp accepted meanwhile is turned up. Returns the legs taken.
     */
    async adopt(
      session: { from: string; url: string; sessionId: number; claim: ClaimedJanusSession },
      calls: string[],
    ): Promise<Map<string, AdoptableLeg[]>> {
      const taken = new Map<string, AdoptableLeg[]>();
      for (const callId of calls) {
        const entries = await redis.hgetall(legsKey(callId));
        // Taken in memory before anything is awaited: a wish to hear a desk published after the read finds the leg.
        const mine: Array<[AdoptableLeg, z.infer<typeof LegPlace>]> = [];
        for (const [kind, raw] of Object.entries(entries)) {
          if (!isLegKind(kind)) continue;
          const parsed = LegPlace.safeParse(JSON.parse(raw));
          if (!parsed.success) continue;
          const leg = parsed.data;
          if (leg.instance !== session.from || leg.url !== session.url || leg.sessionId !== session.sessionId) continue;
          const legs = adopted.get(callId) ?? new Map();
          legs.set(kind, { claim: session.claim, handle: leg.handle });
          adopted.set(callId, legs);
          mine.push([kind, leg]);
        }
        for (const [kind, leg] of mine) {
          await redis.hset(legsKey(callId), kind, JSON.stringify({ ...leg, instance }));
          taken.set(callId, [...(taken.get(callId) ?? []), kind]);
          if (!entries[heardField(kind)]) continue;
          await hear(callId, kind).catch((error: unknown) =>
            log.error('an accepted desk’s leg taken over was not turned up: the caller cannot hear the agent', {
              callId,
              kind,
              error: errorText(error),
            }),
          );
        }
      }
      return taken;
    },
    has: (callId: string, kind: AdoptableLeg) => adoptedLeg(callId, kind) !== undefined,
    /**
     * WhatsApp accepted the call and the desk's leg is on another instance: noted, so the instance that has it (or
     * takes it over from a dead one) turns it up. False when no instance noted the leg: nobody can turn it up.
     */
    async wantHeard(callId: string, agentId: string): Promise<boolean> {
      const kind = deskLegKind(agentId);
      const [[, noted]] = (await redis
        .multi()
        .hexists(legsKey(callId), kind)
        .hset(legsKey(callId), heardField(kind), '1')
        .expire(legsKey(callId), KEEP_S)
        .exec()) as [[Error | null, number]];
      return noted === 1;
    },
    /** An adopted desk's leg goes to full volume in the room; false when this instance has not adopted it. */
    hearDesk: (callId: string, agentId: string): Promise<boolean> => hear(callId, deskLegKind(agentId)),
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
      await redis.hdel(legsKey(callId), kind, heardField(kind));
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
