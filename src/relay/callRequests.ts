import { GraphApiError, type GraphClient } from '../whatsapp/graphClient';
import { buildCallbackData } from '../shared/callbackData';
import { PERMISSION_REQUEST_TEXT } from '../shared/graphSchemas';
import type { RelayAction, RelayParams, RelayReply } from '../shared/relayProtocol';
import type { Bus } from './bus';
import { REJECTED_CLAIM, type CallStore } from './callStore';
import type { TeamFloor } from './team/teamFloor';
import { CLAIM_MS } from './relayKeys';
import type { Router } from './routing';
import type { RelayMetrics } from './metrics';
import type { RelayLimits } from './limits';
import type { CallRecorder } from './records/callRecorder';
import type { JoinedHow } from '../shared/callRecords';
import type { AnchoredCalls } from './media/anchoredCalls';
import type { ColleagueRings } from './colleagueRings';
import { relayRefusalEnglish, type RelayRefusalKey } from '../shared/relayRefusals';
import { agentsOn, colleagueRingFor, colleaguesOn } from './team/callParties';
import { ownerOf as ownerInModel } from './team/teamModel';
import type { BotCalls } from './bots/botCalls';
import type { QueueCallbacks } from './callbacks/queueCallbacks';

/** Meta's "No approved call permission" (Calling API error codes). */
const NO_CALL_PERMISSION = 138006;
const graphErrorCode = (error: unknown) => (error instanceof GraphApiError ? error.details.code : undefined);

/** A request the relay refuses: the reason by key for the desk to word, in English for the log. */
export class RelayRefusal extends Error {
  constructor(
    readonly key: RelayRefusalKey,
    readonly values?: Record<string, string | number>,
  ) {
    super(relayRefusalEnglish(key, values));
  }
}

/** How long the desk still waits for this request: past it, nothing is sent to WhatsApp on its behalf. */
export interface RequestContext {
  expired(): boolean;
}
const NO_DEADLINE: RequestContext = { expired: () => false };

type Handlers = {
  [A in RelayAction]: (agentId: string, params: RelayParams<A>, context?: RequestContext) => Promise<RelayReply<A>>;
};

/** What an agent's desk may ask of the relay; the relay holds the token and checks whose call it is. */
export function createCallRequests(deps: {
  limits: Pick<RelayLimits, 'permissionRequest'>;
  graph: GraphClient;
  /** The Graph client of the number a customer's call came to (several numbers on one relay). */
  graphFor?: (callId: string) => Promise<GraphClient>;
  store: CallStore;
  floor: TeamFloor;
  router: Router;
  bus: Bus;
  metrics?: Pick<RelayMetrics, 'callAnswered'>;
  /** The team's call records (PostgreSQL), when the relay keeps them. */
  records?: CallRecorder;
  /** Calls whose media is anchored on the team's media server. */
  anchored?: Pick<
    AnchoredCalls,
    | 'hasDeskLeg'
    | 'deskLegApart'
    | 'connectRingingDesk'
    | 'answer'
    | 'customerAnswered'
    | 'answerDesk'
    | 'deskHeard'
    | 'customerAnswer'
    | 'dropDesk'
    | 'end'
    | 'isAnchored'
  >;
  /** Hands an anchored call to one of its queue's bots (the relay's bots, when a queue has any). */
  handToBot?: BotCalls['handBack'];
  /** The team's name in the callback data WhatsApp echoes with every call (the relay's Redis prefix). */
  team?: string;
  /** How long a colleague's transfer or conference ring lasts unanswered (RELAY_COLLEAGUE_RING_SECONDS; 30 s). */
  colleagueRingMs?: number;
  /** When colleagues' rings run out, kept where every instance sees them. */
  colleagueRings: Pick<ColleagueRings, 'ring' | 'onRingOut'>;
  /** The team's outcome codes as the operator set them now; none: any outcome goes. */
  wrapUpCodes?: () => string[] | undefined;
  /** Customers' callbacks offered to agents (queues that turn calls away with `callback`). */
  callbacks?: Pick<QueueCallbacks, 'respond' | 'placeable' | 'placed' | 'callOutcome'>;
}): Handlers {
  const { graph, store, floor, router, bus, limits, metrics, records, anchored } = deps;
  /** biz_opaque_callback_data: team, queue and agent, the same in pre_accept and accept. */
  const callbackData = async (callId: string, agentId: string): Promise<string | undefined> =>
    buildCallbackData({ team: deps.team, queue: (await store.queueOf(callId)) ?? undefined, agent: agentId });
  const graphFor = deps.graphFor ?? (async () => graph);
  /**
   * Calls this instance let an agent take. If Redis restarts empty mid-call, the agent who holds the call can
   * still end it; nobody else gains anything from this.
   */
  const grantedHere = new Map<string, { agentId: string; atMs: number }>();
  const grant = (callId: string, agentId: string): void => {
    const now = Date.now();
    for (const [id, entry] of grantedHere) {
      if (now - entry.atMs < CLAIM_MS) break;
      grantedHere.delete(id);
    }
    grantedHere.set(callId, { agentId, atMs: now });
  };
  deps.colleagueRings.onRingOut((callId, agentId) => colleagueRangOut(callId, agentId));
  const ownerOf = async (callId: string): Promise<string | undefined> =>
    (await store.owner(callId)) ?? grantedHere.get(callId)?.agentId;

  /** The colleague a call was transferred to answered: their leg starts, the call is theirs, the other desk is let go. */
  async function takeTransfer(
    agentId: string,
    callId: string,
    sdp: string,
    from: string,
  ): Promise<Record<string, never>> {
    await anchored!.answerDesk(callId, agentId, sdp);
    await joinTeamCall(callId, agentId, 'transfer');
    await store.setOwner(callId, agentId);
    grant(callId, agentId);
    await bus.publish({
      kind: 'direct',
      callId,
      targets: [from],
      event: { type: 'call_transferred', callId, to: agentId },
    });
    records?.record({ kind: 'answered', callId, agentId, atMs: Date.now() });
    void store
      .activeCalls()
      .then((all) => all.find((c) => c.callId === callId))
      .then((active) => active && store.setActive(callId, { ...active, agent: agentId, sinceMs: Date.now() }))
      .catch(() => undefined);
    return {};
  }

  /** The team model takes the colleague onto the call; their leg goes if the model refuses (the ring was withdrawn). */
  async function joinTeamCall(callId: string, agentId: string, how: JoinedHow): Promise<void> {
    const joined = await floor.apply({ kind: 'accept', callId, agentId });
    if (joined.ok) {
      records?.record({ kind: 'joined', callId, agentId, how, atMs: Date.now() });
      return;
    }
    await anchored?.dropDesk(callId, agentId);
    throw new RelayRefusal('relayCallChanged');
  }

  /** Offers an anchored call to a colleague: to take it over (transfer) or to join it (conference). */
  async function offerToColleague(
    agentId: string,
    callId: string,
    to: string,
    kind: 'transfer' | 'conference',
  ): Promise<Record<string, never>> {
    if ((await ownerOf(callId)) !== agentId)
      throw new RelayRefusal(kind === 'transfer' ? 'relayNotYoursToTransfer' : 'relayNotYoursToShare');
    if (!(await anchored?.isAnchored(callId)))
      throw new RelayRefusal(kind === 'transfer' ? 'relayDirectNoTransfer' : 'relayDirectNoShare');
    if (to === agentId) throw new RelayRefusal('relayChooseColleague');
    const offer = await store.offer(callId);
    if (!offer) throw new RelayRefusal('relayCallUnknown');
    const purpose = kind === 'transfer' ? 'transfer' : 'conference';
    if ((await floor.reserve(callId, [to], purpose, 1, agentId)).length === 0)
      throw new RelayRefusal('relayColleagueBusy', { to });
    await bus.publish({
      kind: 'offer',
      callId,
      targets: [to],
      event: {
        ...offer,
        anchored: true,
        ...(kind === 'transfer' ? { transferredBy: agentId } : { invitedBy: agentId }),
      },
    });
    await deps.colleagueRings.ring(callId, to, Date.now() + (deps.colleagueRingMs ?? 30_000));
    return {};
  }

  /** The colleague's ring ended unanswered: if it was still pending, the call stays with the agent who has it. */
  async function colleagueRangOut(callId: string, to: string): Promise<void> {
    const ring = colleagueRingFor(await floor.call(callId), to);
    if (!ring || !(await floor.apply({ kind: 'ring_timeout', callId, agentId: to })).ok) return;
    await colleagueDidNotTake(callId, to, ring.by);
    await bus.publish({
      kind: 'direct',
      callId,
      targets: [to],
      event: { type: 'call_passed_on', callId, afterSec: 0 },
    });
  }

  /** A colleague declined or let ring out a transfer or conference: the agent who has the call is told. */
  async function colleagueDidNotTake(callId: string, colleague: string, from: string): Promise<void> {
    await anchored?.dropDesk(callId, colleague);
    await bus.publish({
      kind: 'direct',
      callId,
      targets: [from],
      event: { type: 'transfer_declined', callId, to: colleague },
    });
    // A consult nobody took: the customer comes back from the hold music to the agent who has the call.
    const call = await floor.call(callId);
    if (call?.customerHeld && colleaguesOn(call).length === 0)
      await bus.publish({
        kind: 'direct',
        callId,
        targets: [],
        event: { type: 'customer_hold_wanted', callId, held: false, by: from },
      });
  }

  /** Tells everyone on a conference call who else is on it. */
  async function announceConference(callId: string): Promise<void> {
    const parties = agentsOn(await floor.call(callId));
    for (const party of parties)
      await bus.publish({
        kind: 'direct',
        callId,
        targets: [party],
        event: { type: 'conference', callId, with: parties.filter((p) => p !== party) },
      });
  }

  /** A colleague added to the call answered: their leg joins the room; the call stays with its agent. */
  async function joinConference(agentId: string, callId: string, sdp: string): Promise<Record<string, never>> {
    await anchored!.answerDesk(callId, agentId, sdp);
    await joinTeamCall(callId, agentId, 'conference');
    await announceConference(callId);
    const call = await floor.call(callId);
    if (call?.customerHeld)
      await bus.publish({
        kind: 'direct',
        callId,
        targets: [agentId],
        event: { type: 'customer_held', callId, held: true, by: ownerInModel(call)?.id ?? agentId },
      });
    return {};
  }

  /** Someone leaves a conference call while others stay on it: nothing is ended on WhatsApp. */
  async function leaveConference(
    agentId: string,
    callId: string,
    owner: string | undefined,
  ): Promise<Record<string, never>> {
    grantedHere.delete(callId);
    await anchored?.dropDesk(callId, agentId);
    const left = await floor.apply({ kind: 'leave', callId, partyId: agentId });
    // The call passes to a colleague still on it, as the team model chose; the claim key follows.
    const next = left.call && ownerInModel(left.call)?.id;
    if (owner === agentId && next) await store.setOwner(callId, next);
    await announceConference(callId);
    return {};
  }

  /** A call this agent placed: they are on it (on_call) from the start. */
  async function placeOnTeam(callId: string, agentId: string): Promise<void> {
    const placed = await floor.apply({ kind: 'place', callId, agentId });
    if (!placed.ok) throw new RelayRefusal('relayCallChanged');
  }

  /** The answer claim: the team model takes the agent whose ring it is, exactly once; the claim key mirrors it. */
  async function claimForAnswer(callId: string, agentId: string): Promise<void> {
    // The claim settles a race of answers in one Redis command: the agents who lost it are refused without the team
    // model's transaction (which rescinds every other ring, so it reads and writes the whole ringing team).
    const claimed = await store.claim(callId, agentId);
    const owner = claimed ? agentId : await store.owner(callId);
    const taken = owner === agentId ? await floor.apply({ kind: 'accept', callId, agentId }) : undefined;
    if (!taken?.ok) {
      if (claimed) await store.release(callId);
      const call = taken?.call ?? (await floor.call(callId));
      const invited = call?.reservations.some((r) => r.agentId === agentId && r.purpose !== 'answer');
      if (invited) throw new RelayRefusal('relayInvitationOver');
      const answeredElsewhere =
        (owner !== null && owner !== agentId && !owner.startsWith(REJECTED_CLAIM)) ||
        (call?.phase === 'answered' && !call.parties.some((p) => p.id === agentId));
      throw new RelayRefusal(answeredElsewhere ? 'relayAnsweredElsewhere' : 'relayNotOffered');
    }
    if (!claimed) await store.setOwner(callId, agentId);
  }

  /** An agent reads a customer's team history only for a call of theirs with that customer (ringing, on, or placed). */
  async function isTheirCustomer(agentId: string, customer: string, callId: string): Promise<boolean> {
    const [offer, placedBy, call] = await Promise.all([
      store.offer(callId),
      store.placedBy(callId),
      floor.call(callId),
    ]);
    const customerOfCall =
      offer?.from ?? (await store.activeCalls()).find((active) => active.callId === callId)?.customer;
    if (customerOfCall !== customer) return false;
    const inModel =
      call?.parties.some((p) => p.id === agentId) || call?.reservations.some((r) => r.agentId === agentId);
    return Boolean(inModel) || placedBy === agentId || (await store.wasOffered(callId, agentId));
  }

  /**
   * What accept sends on a relay that anchors calls: the business's answer pre_accept sent (Meta requires the same
   * SDP), from memory or, when pre_accept went through another instance, from Redis. An anchored call whose answer
   * is lost is refused rather than answered with the desk's SDP, which answers Janus's offer, not WhatsApp's.
   */
  async function preAcceptedAnswer(callId: string, deskSdp: string): Promise<string> {
    const kept = anchored!.customerAnswer(callId) ?? (await store.preAcceptedAnswer(callId));
    if (kept) return kept;
    if (await anchored!.isAnchored(callId)) throw new RelayRefusal('relayCallUnknown');
    return deskSdp;
  }

  /** WhatsApp accepted: the desk's leg is turned up here, or by the instance that has it, asked over the bus. */
  async function hearDesk(callId: string, agentId: string): Promise<void> {
    if ((await anchored!.deskHeard(callId, agentId)) !== 'elsewhere') return;
    await bus.publish({ kind: 'direct', callId, targets: [], event: { type: 'desk_heard_wanted', callId, agentId } });
  }

  return {
    async pre_accept(agentId, { callId, sdp }, context = NO_DEADLINE) {
      const ring = anchored ? colleagueRingFor(await floor.call(callId), agentId) : undefined;
      if (ring && anchored?.hasDeskLeg(callId, agentId))
        return ring.purpose === 'transfer'
          ? takeTransfer(agentId, callId, sdp, ring.by)
          : joinConference(agentId, callId, sdp);
      if (context.expired()) throw new RelayRefusal('relayGaveUp');
      await claimForAnswer(callId, agentId);
      try {
        // A call the queue's bot answered is accepted on WhatsApp already, its customer in the room (on whichever
        // instance answered it): only the agent's leg is new.
        if (anchored?.hasDeskLeg(callId, agentId) && (await store.wasAccepted(callId)))
          await anchored.answerDesk(callId, agentId, sdp);
        else {
          // Anchored: the desk's answer is for its leg on the media server; WhatsApp gets the server's answer.
          const legged = anchored?.hasDeskLeg(callId, agentId);
          // Its leg is on another instance (the desk's connection moved while it rang): the desk's SDP answers Janus's
          // offer for that leg, never WhatsApp's, and this instance cannot answer for it.
          if (!legged && (await anchored?.isAnchored(callId))) throw new RelayRefusal('relayCallUnknown');
          const toWhatsApp = legged
            ? await anchored!.answer(callId, agentId, sdp, (await store.offer(callId))?.sdpOffer ?? '')
            : sdp;
          // The desk gave up meanwhile (Redis or the media server was slow): WhatsApp must not hear a late answer.
          if (context.expired()) throw new RelayRefusal('relayGaveUp');
          const bizOpaque = await callbackData(callId, agentId);
          await (await graphFor(callId)).preAccept(callId, toWhatsApp, { bizOpaque });
          // Kept in Redis too: accept may come through another instance (the desk reconnected) and must send the same.
          if (legged)
            await Promise.all([
              anchored!.customerAnswered(callId),
              store.keepPreAccepted(callId, toWhatsApp).catch(() => undefined),
            ]);
        }
      } catch (error) {
        await store.release(callId);
        await floor.apply({ kind: 'answer_failed', callId, agentId });
        throw error;
      }
      grant(callId, agentId);
      await bus.publish({ kind: 'event', callId, event: { type: 'call_taken', callId, by: agentId } });
      router.answered?.(callId, agentId).catch(() => undefined);
      records?.record({ kind: 'answered', callId, agentId, atMs: Date.now() });
      void Promise.all([store.offer(callId), store.queueOf(callId)])
        .then(([offer, queue]) =>
          store.setActive(callId, {
            agent: agentId,
            customer: offer?.from ?? '',
            queue: queue ?? undefined,
            direction: 'inbound',
            sinceMs: Date.now(),
          }),
        )
        .catch(() => undefined);
      return {};
    },
    /**
     * A ringing desk's answer to its leg's offer, before Answer: its media comes up at volume 0 in the call's room,
     * only for a fresh call nobody has answered (no customer in the room yet; anchoredCalls.answer keeps every other
     * leg out before the customer's joins). Read after the leg joined, so a claim won meanwhile sees the leg and
     * removes it. Not for a colleague's ring (a transfer or conference) nor a call a bot answered: the customer is in
     * the room there, and the leg starts on Answer as before.
     */
    async ringing_leg(agentId, { callId, sdp }) {
      if (!anchored?.hasDeskLeg(callId, agentId)) return {};
      // A colleague's leg waiting in a room of its own hears nobody and is heard by nobody, whatever the call's state.
      if (anchored.deskLegApart(callId, agentId)) {
        await anchored.connectRingingDesk(callId, agentId, sdp);
        return {};
      }
      const [owner, accepted, call] = await Promise.all([
        store.owner(callId),
        store.wasAccepted(callId),
        floor.call(callId),
      ]);
      if (owner || accepted || colleagueRingFor(call, agentId)) return {};
      await anchored.connectRingingDesk(callId, agentId, sdp);
      // A colleague won the call while this leg started: anchoredCalls.answer may have listed the room before it had
      // media, so it leaves now, long before its ICE and DTLS are done (~100 ms) or the customer's leg is up.
      const winner = await store.owner(callId);
      if (winner && winner !== agentId) await anchored.dropDesk(callId, agentId);
      return {};
    },
    async accept(agentId, { callId, sdp, capture }) {
      // Anchored calls only: a colleague added to a call (conference) joins a call WhatsApp has accepted already.
      if (anchored && colleaguesOn(await floor.call(callId)).includes(agentId) && (await store.wasAccepted(callId)))
        return {};
      if ((await ownerOf(callId)) !== agentId) throw new RelayRefusal('relayNotYoursToAccept');
      // A call transferred to this agent was accepted on WhatsApp by the colleague who answered it first.
      if (anchored && (await store.wasAccepted(callId))) return {};
      const bizOpaque = await callbackData(callId, agentId);
      const answer = anchored ? await preAcceptedAnswer(callId, sdp) : sdp;
      await (await graphFor(callId)).accept(callId, answer, { capture, bizOpaque });
      if (anchored) await hearDesk(callId, agentId);
      if (anchored) await store.markAccepted(callId);
      // Counted after the reply: the desk waits for it before sending its voice, the metric can wait for Redis.
      const answeredAt = Date.now();
      void Promise.all([store.offer(callId), store.queueOf(callId)]).then(
        ([offer, queue]) =>
          metrics?.callAnswered(offer ? (answeredAt - offer.timestampMs) / 1000 : undefined, queue ?? undefined),
        () => metrics?.callAnswered(undefined),
      );
      return {};
    },
    async terminate(agentId, { callId }) {
      const owner = await ownerOf(callId);
      // Only anchored calls have colleagues added to them.
      const participants = anchored ? colleaguesOn(await floor.call(callId)) : [];
      if (owner !== agentId && !participants.includes(agentId)) throw new RelayRefusal('relayNotYoursToEnd');
      const staying = participants.filter((p) => p !== agentId);
      if (staying.length > 0 || (owner !== agentId && owner)) return leaveConference(agentId, callId, owner);
      await (await graphFor(callId)).terminate(callId);
      grantedHere.delete(callId);
      await anchored?.end(callId);
      await store.endActive(callId);
      await floor.apply({ kind: 'end', callId });
      return {};
    },
    /** This agent declines. The call is rejected on WhatsApp only when nobody else can take it. */
    async reject(agentId, { callId }) {
      if (!(await store.wasOffered(callId, agentId))) throw new RelayRefusal('relayNotOffered');
      const owner = await store.owner(callId);
      if (owner === agentId) throw new RelayRefusal('relayAlreadyAnswered');
      const ring = anchored ? colleagueRingFor(await floor.call(callId), agentId) : undefined;
      if (owner && ring) {
        // A colleague declined a transfer: the call stays with the agent who has it, who is told.
        await floor.apply({ kind: 'reject', callId, agentId });
        await colleagueDidNotTake(callId, agentId, ring.by);
        return {};
      }
      if (owner) return {};
      await floor.apply({ kind: 'reject', callId, agentId });
      const declined = await store.addDeclined(callId, agentId);
      await anchored?.dropDesk(callId, agentId);
      if ((await router.afterDecline(callId, declined)) !== 'nobody_left') return {};
      if (await store.claim(callId, `${REJECTED_CLAIM}${agentId}`)) {
        // A call the queue's bot answered is accepted on WhatsApp already: it is ended, not rejected.
        const graphOfCall = await graphFor(callId);
        if (anchored && (await store.wasAccepted(callId))) await graphOfCall.terminate(callId);
        else await graphOfCall.reject(callId);
        await anchored?.end(callId);
      }
      return {};
    },
    /** Calls placed by agents: the relay holds the token, and remembers who placed which call. */
    async connect(agentId, { to, sdp, capture, callbackId }) {
      const callbacks = deps.callbacks;
      const forCallback = callbackId ? await callbacks?.placeable(agentId, callbackId, to) : undefined;
      if (callbackId && !forCallback) throw new RelayRefusal('relayCallbackGone');
      const bizOpaque = buildCallbackData({ team: deps.team, agent: agentId });
      const { callId } = await graph.connect(to, sdp, { capture, bizOpaque }).catch(async (error: unknown) => {
        // The attempt counts: the callback waits again with why, for this agent or another.
        const why = graphErrorCode(error) === NO_CALL_PERMISSION ? 'no_permission' : 'call_failed';
        if (callbackId) await callbacks?.respond(agentId, callbackId, 'not_placed', why);
        throw error;
      });
      if (callbackId) await callbacks?.placed(agentId, callbackId, callId);
      grant(callId, agentId);
      await store.setOwner(callId, agentId);
      await store.setPlacedBy(callId, agentId);
      await placeOnTeam(callId, agentId);
      records?.record({ kind: 'placed', callId, customer: to, agentId, atMs: Date.now() });
      await store.setActive(callId, {
        agent: agentId,
        customer: to,
        direction: 'outbound',
        // A queue's callback: the board lists it under that queue (and its supervisors' scope) as a callback.
        ...(forCallback && { callback: true, queue: forCallback.queueId }),
        sinceMs: Date.now(),
      });
      for (const event of await store.early(callId)) {
        await bus.publish({ kind: 'direct', callId, targets: [agentId], event });
        // WhatsApp's status can overtake its reply to connect: a callback's call is decided by it all the same.
        if (callbackId && event.type === 'outbound_status' && event.status !== 'RINGING')
          await callbacks?.callOutcome(callId, event.status);
      }
      return { callId };
    },
    invite: (agentId, { callId, to }) => offerToColleague(agentId, callId, to, 'conference'),
    async hold_customer(agentId, { callId, held }) {
      const onCall = (await ownerOf(callId)) === agentId || colleaguesOn(await floor.call(callId)).includes(agentId);
      if (!onCall) throw new RelayRefusal('relayNotOnCall');
      if (!(await anchored?.isAnchored(callId))) throw new RelayRefusal('relayDirectNoHoldRoom');
      // Whichever instance has the customer's media leg moves it, then tells everyone on the call.
      await bus.publish({
        kind: 'direct',
        callId,
        targets: [],
        event: { type: 'customer_hold_wanted', callId, held, by: agentId },
      });
      return {};
    },
    async call_held(agentId, { callId, held }) {
      if ((await ownerOf(callId)) !== agentId) throw new RelayRefusal('relayNotOnCall');
      // An anchored call's hold goes through hold_customer: its customer moves to the hold room.
      if (await anchored?.isAnchored(callId)) return {};
      await floor.apply({ kind: 'hold', callId, held });
      return {};
    },
    transfer: (agentId, { callId, to }) => offerToColleague(agentId, callId, to, 'transfer'),
    async hand_to_bot(agentId, { callId, bot, note }) {
      if ((await ownerOf(callId)) !== agentId || colleaguesOn(await floor.call(callId)).length > 0)
        throw new RelayRefusal('relayNotYoursToHandBack');
      if (!deps.handToBot || !(await anchored?.isAnchored(callId))) throw new RelayRefusal('relayNoSuchAssistant');
      const handed = await deps.handToBot(agentId, callId, bot, note);
      if (!handed.ok)
        throw new RelayRefusal(
          handed.why === 'no_such_bot'
            ? 'relayNoSuchAssistant'
            : handed.why === 'bot_failed'
              ? 'relayAssistantFailed'
              : 'relayCallChanged',
        );
      grantedHere.delete(callId);
      return { to: handed.name };
    },
    colleagues: async (agentId) => ({ agents: (await floor.freeAgents()).filter((id) => id !== agentId) }),
    permission: async (_agentId, { to }) => graph.callPermission(to),
    async wrap_up(agentId, { callId, outcome, notes }) {
      const owed = (await floor.agent(agentId))?.wrapUps.includes(callId);
      // Whoever spoke to the customer may write it up, also once the call went on with a colleague.
      const spoke = (await floor.call(callId))?.wrapUpsGiven.includes(agentId);
      if (!owed && !spoke && (await ownerOf(callId)) !== agentId) throw new RelayRefusal('relayNotYoursToWrapUp');
      // An empty outcome is the desk closing the wrap-up unsaved; an outcome is one of the team's, given once.
      if (outcome !== '') {
        const codes = deps.wrapUpCodes?.() ?? [];
        if (codes.length > 0 && !codes.includes(outcome)) throw new RelayRefusal('relayUnknownOutcome', { outcome });
        if (!(await store.firstWrapUp(callId, agentId))) throw new RelayRefusal('relayWrappedUpAlready');
      }
      if (owed) await floor.apply({ kind: 'save_wrap_up', agentId, callId });
      if (!records) return {};
      records.record({ kind: 'wrap_up', callId, agentId, outcome, notes, atMs: Date.now() });
      return {};
    },
    async customer_calls(agentId, { customer, callId }) {
      if (!(await isTheirCustomer(agentId, customer, callId))) throw new RelayRefusal('relayNotYourCustomer');
      if (!records) return { calls: [] };
      try {
        return { calls: await records.customerCalls(customer, 50) };
      } catch {
        throw new RelayRefusal('relayRecordsUnavailable');
      }
    },
    async missed_handled(agentId, { customer }) {
      const atMs = Date.now();
      await store.markMissedHandled(customer, atMs);
      await bus.publish({
        kind: 'team',
        callId: `missed:${customer}`,
        targets: [agentId],
        event: { type: 'missed_handled', customer, atMs, by: agentId },
      });
      return {};
    },
    missed_check: async (_agentId, { customers }) => ({ handled: await store.missedHandled(customers) }),
    async call_ratings(agentId, { callIds }) {
      if (!records) return { ratings: {} };
      try {
        return { ratings: await records.ratingsFor(callIds, agentId) };
      } catch {
        throw new RelayRefusal('relayRecordsUnavailable');
      }
    },
    follow_up: async (_agentId, { to, text, template, callButton }) =>
      graph.sendMessage(to, text, template, callButton),
    async callback_answer(agentId, { callbackId, answer, why }) {
      const done = await deps.callbacks?.respond(agentId, callbackId, answer, why);
      if (!done) throw new RelayRefusal('relayCallbackGone');
      return done;
    },
    async request_permission(agentId, { to }) {
      await limits.permissionRequest(to);
      const sent = await graph.requestCallPermission(to, PERMISSION_REQUEST_TEXT);
      await store.setPermissionRequester(to, agentId);
      return sent;
    },
  };
}
export type CallRequests = ReturnType<typeof createCallRequests>;
