import type { AssistantNote, BotCallContext, BotEscalation } from '../../shared/botProtocol';
import { buildCallbackData } from '../../shared/callbackData';
import type { CallSignal } from '../../shared/callSignals';
import type { RelayBusMessage } from '../../shared/relayProtocol';
import { errorText } from '../../shared/errorText';
import { handBackBots, QUEUE_BOT_ID, type QueueBot, type QueueConfig } from '../../shared/teamQueues';
import type { GraphClient } from '../../whatsapp/graphClient';
import type { Logger } from '../../whatsapp/logger';
import type { CallRecorder } from '../records/callRecorder';
import type { RelayMetrics } from '../metrics';
import type { Bus } from '../bus';
import type { CallStore } from '../callStore';
import type { TeamFloor } from '../team/teamFloor';
import type { AnchoredCalls } from '../media/anchoredCalls';
import type { DueSteps } from '../dueSteps';
import type { BotSessions } from './botSessions';
import { offerToBot } from './smallWebrtcOffer';
import { endWhipSession, offerToWhipBot } from './whipOffer';

type Offered = Extract<CallSignal, { type: 'call_offered' }>;

/** What the agent's card reads when the bot could not take the call. */
export const BOT_FAILED_NOTE: AssistantNote = { summary: 'The assistant could not take this call.', facts: {} };

/** The bot's media never came up: the handle it was given is let go with the call. */
class BotCallFailed extends Error {
  constructor(
    message: string,
    readonly handle: string,
  ) {
    super(message);
  }
}

/** An agent's hand-back: the bot's name once it has the call, or why the call stays with the agent. */
export type HandBackResult =
  { ok: true; name: string } | { ok: false; why: 'no_such_bot' | 'bot_failed' | 'call_changed' };

/** How long the bot's media may take to come up once it answered. */
const BOT_MEDIA_MS = 5000;
/** The bot stays this long at most for an agent's leg on another instance, whose media this one cannot see. */
const AGENT_LEG_ELSEWHERE_MS = 1500;

/**
 * Queues whose bot answers first: the relay answers the WhatsApp call anchored on the media server, the bot joins the
 * room as one more party (SmallWebRTC offer over HTTP), and the call goes to the queue's agents when the bot escalates
 * or fails. The customer waits on the hold music from the escalation until an agent's leg is up; then the bot leaves.
 */
export function createBotCalls(deps: {
  sessions: BotSessions;
  anchored: Pick<
    AnchoredCalls,
    | 'answerCustomer'
    | 'connectBot'
    | 'dropBot'
    | 'muteBot'
    | 'hasBot'
    | 'hasCustomer'
    | 'deskLegUp'
    | 'watchAdoptedBot'
    | 'adoptedBotInRoom'
    | 'dropAdoptedCustomer'
  >;
  store: Pick<
    CallStore,
    | 'markAccepted'
    | 'wasAccepted'
    | 'keepPreAccepted'
    | 'preAcceptedAnswer'
    | 'terminated'
    | 'owner'
    | 'offer'
    | 'queueOf'
    | 'release'
    | 'endActive'
  >;
  /** The team's model of the call's parties: an agent hands a call to a bot through it. */
  floor: Pick<TeamFloor, 'apply' | 'call'>;
  /** When each bot's turn runs out (its queue's `maxSeconds`), kept in Redis so that any instance ends it. */
  turnLimits?: Pick<DueSteps, 'at' | 'onDue' | 'cancel'>;
  /** The team's queues, for the bots an agent may hand a call back to. */
  queues: () => QueueConfig[];
  graphFor: (callId: string) => Promise<GraphClient>;
  /** The call waits in this queue and rings its agents (the queue router's own steps from here). */
  enqueue: (callId: string, queueId: string) => Promise<void>;
  bus: Bus;
  /** The team's name in the callback data WhatsApp echoes (the relay's Redis prefix). */
  team: string;
  /** What the bot learned, kept with the call record. */
  onNote?: (callId: string, note: AssistantNote, transcript: BotEscalation['transcript']) => void;
  /** Bots taking calls and handing them over, counted for Prometheus (read when they happen). */
  metrics?: () => Pick<RelayMetrics, 'botTook' | 'botHandedOver'>;
  records?: CallRecorder;
  log: Logger;
}) {
  const { sessions, anchored, store, log } = deps;
  /** Bots on this instance that stay in the room muted once an agent has the call (their queue says so). */
  const staying = new Set<string>();

  /** The bot's answer to its leg's offer, in the bot's own protocol (SmallWebRTC or WHIP). */
  async function askBot(
    callId: string,
    bot: QueueBot & { id: string },
    sdp: string,
    context: BotCallContext,
  ): Promise<string> {
    if (bot.protocol !== 'whip') return (await offerToBot(bot, sdp, context)).sdp;
    const session = await offerToWhipBot(bot, sdp, context);
    // In Redis, so the session ends even if this instance dies while the bot has the call.
    await sessions.keepWhip(callId, { queueId: context.queue, bot: bot.id, resource: session.resource });
    return session.sdp;
  }

  /**
   * The WHIP bot's session ends with its leg (RFC 9725: DELETE the resource), sent once by whichever instance takes
   * it; a bot gone already is not waited for. The resource read back must be on the bot's own origin, as when given.
   */
  async function endWhip(callId: string): Promise<void> {
    const session = await sessions.takeWhip(callId);
    const queue = session && deps.queues().find((q) => q.id === session.queueId);
    const bot = queue && handBackBots(queue).find((b) => b.id === session.bot);
    if (!session || !bot) return;
    if (new URL(session.resource).origin !== new URL(bot.url).origin) {
      log.error('a WHIP session in Redis is not on its bot’s origin: not deleted (is Redis open?)', { callId });
      return;
    }
    await endWhipSession(bot, session.resource);
  }
  const endWhipLater = (callId: string) =>
    void endWhip(callId).catch((error: unknown) =>
      log.warn('the WHIP bot’s session not deleted', { callId, error: errorText(error) }),
    );

  /** The bot's leg leaves the room here, and its WHIP session (if any) ends. */
  async function leaveBot(callId: string): Promise<void> {
    await anchored.dropBot(callId);
    endWhipLater(callId);
  }

  /** What the call's records read back from WhatsApp's webhooks for a call the queue's bot answered. */
  const botCallbackData = (queueId: string) =>
    buildCallbackData({ team: deps.team, queue: queueId, agent: 'assistant' });

  /** Answers the call on WhatsApp with the media server's answer (nothing is sent until the bot has its leg). */
  async function acceptOnWhatsapp(callId: string, queueId: string, answer: string): Promise<void> {
    const graph = await deps.graphFor(callId);
    await graph.preAccept(callId, answer, { bizOpaque: botCallbackData(queueId) });
    await store.keepPreAccepted(callId, answer);
    await graph.accept(callId, answer, { bizOpaque: botCallbackData(queueId) });
    await store.markAccepted(callId);
  }

  /**
   * The instance answering for the bot died after WhatsApp took its pre_accept, before its accept took: WhatsApp holds
   * that answer (the caller's media may already flow to the leg it is for), and only the same SDP may follow it. This
   * instance holds the customer's leg now, so it finishes the answer.
   */
  async function finishAnswer(callId: string, queueId: string, answer: string): Promise<void> {
    const graph = await deps.graphFor(callId);
    await graph.accept(callId, answer, { bizOpaque: botCallbackData(queueId) });
    await store.markAccepted(callId);
    log.warn('the call answered for the bot by the instance that took its legs over', { callId });
  }

  /** Answered on WhatsApp by now: before, or by finishing the dead instance's half-done answer from here. */
  async function answeredAfterTakeover(callId: string, queueId: string): Promise<boolean> {
    if (await store.wasAccepted(callId)) return true;
    const answer = await store.preAcceptedAnswer(callId);
    if (!answer || !anchored.hasCustomer(callId)) return false;
    return finishAnswer(callId, queueId, answer).then(
      () => true,
      (error: unknown) => {
        log.warn('the dead instance’s answer could not be finished', { callId, error: errorText(error) });
        return false;
      },
    );
  }

  async function answerWithBot(offer: Offered, queue: QueueConfig): Promise<void> {
    const bot = queue.bot!;
    const callId = offer.callId;
    const handle = await sessions.open(callId, queue.id);
    const context = {
      call: handle,
      queue: queue.id,
      ...(bot.shareCustomer && { customer: { number: offer.from, name: offer.callerName } }),
    };
    // WhatsApp hears nothing until the bot answered and its media is up: a failing bot leaves nothing on Meta's side.
    const up = await anchored.connectBot(
      callId,
      (sdp) => askBot(callId, { ...bot, id: QUEUE_BOT_ID }, sdp, context),
      BOT_MEDIA_MS,
      // The bot went away before handing over (it crashed, its connection dropped): the agents take the call.
      () => void failed(offer.callId, queue.id, new Error('the bot’s media connection ended'), handle),
    );
    if (!up) throw new BotCallFailed('the bot’s media never connected', handle);
    if (await sessions.handedOver(callId)) return;
    // The customer's leg joins only now, as WhatsApp gets its answer: Janus's checks toward WhatsApp start with it.
    const answer = await anchored.answerCustomer(callId, offer.sdpOffer);
    await acceptOnWhatsapp(callId, queue.id, answer);
    await took(callId, queue.id, QUEUE_BOT_ID, false);
    log.info('call answered by the queue’s bot', { callId, queue: queue.id });
  }

  /** A bot has the call now: the board shows it with the assistant, the records and metrics count it. */
  async function took(callId: string, queueId: string, botId: string, handBack: boolean): Promise<void> {
    await sessions.holding(callId, queueId, botId);
    const queue = deps.queues().find((q) => q.id === queueId);
    const limit = queue && handBackBots(queue).find((b) => b.id === botId)?.maxSeconds;
    const holder = limit ? await sessions.holderOf(callId) : undefined;
    // The turn is this bot's (its handle): a bot the call is handed back to later has a turn of its own.
    if (limit && holder) await deps.turnLimits?.at(JSON.stringify([callId, holder.handle]), Date.now() + limit * 1000);
    deps.records?.record({ kind: 'bot_took', callId, bot: botId, handBack, atMs: Date.now() });
    deps.metrics?.().botTook(queueId, handBack);
  }

  /** The bot's turn (its handle's) ends before its limit: no instance looks at the call for it later. */
  async function endTurnLimit(callId: string, handle: string | undefined): Promise<void> {
    if (handle) await deps.turnLimits?.cancel(JSON.stringify([callId, handle])).catch(() => undefined);
  }

  /** The call leaves the bot for a queue of agents, once: the customer waits on the music if WhatsApp has it. */
  async function handOver(
    callId: string,
    queueId: string,
    note: AssistantNote,
    transcript: BotEscalation['transcript'] = [],
    handle?: string,
  ): Promise<boolean> {
    const turn = handle ?? (await sessions.holderOf(callId))?.handle;
    if (!(await sessions.takeHandOver(callId, handle))) return false;
    await endTurnLimit(callId, turn);
    if (await store.terminated(callId)) return false;
    try {
      await queueFromBot(callId, queueId, note, transcript);
      deps.metrics?.().botHandedOver(queueId, note === BOT_FAILED_NOTE ? 'failed' : 'escalated');
    } catch (error) {
      // Not queued: the hand-over may be asked again (the bot's retry after a 503).
      await sessions.releaseHandOver(callId, handle).catch(() => undefined);
      throw error;
    }
    return true;
  }

  async function queueFromBot(
    callId: string,
    queueId: string,
    note: AssistantNote,
    transcript: BotEscalation['transcript'],
  ): Promise<void> {
    // The agents' ring carries the conversation too, for them to read before or while they talk.
    await sessions.keepNote(callId, transcript.length > 0 ? { ...note, transcript } : note);
    deps.onNote?.(callId, note, transcript);
    if (await store.wasAccepted(callId))
      await deps.bus.publish({
        kind: 'direct',
        callId,
        targets: [],
        event: { type: 'customer_hold_wanted', callId, held: true, by: 'assistant' },
      });
    else await leaveBot(callId);
    const handedAtMs = Date.now();
    await deps.enqueue(callId, queueId);
    // The caller waits in this queue from now: its figures count the call there (the first hand-over's).
    deps.records?.record({ kind: 'handed_over', callId, queue: queueId, atMs: handedAtMs });
    log.info('call handed from the bot to a queue', { callId, queue: queueId });
  }

  /** The agent's leg is up (or this instance cannot see it): the customer comes back from the music; the bot goes. */
  async function agentTook(callId: string): Promise<void> {
    const owner = await store.owner(callId);
    if (owner && !(await Promise.race([anchored.deskLegUp(callId, owner), delay(AGENT_LEG_ELSEWHERE_MS, false)])))
      await delay(AGENT_LEG_ELSEWHERE_MS, false);
    await deps.bus.publish({
      kind: 'direct',
      callId,
      targets: [],
      event: { type: 'customer_hold_wanted', callId, held: false, by: owner ?? 'assistant' },
    });
    if (staying.delete(callId)) {
      log.info('the bot stays in the call muted, listening: an agent has it', { callId, agent: owner });
      return;
    }
    await leaveBot(callId);
    log.info('the bot left the call: an agent has it', { callId, agent: owner });
  }

  /** The bot failed the call: it goes to the queue's agents at once (unless handed over or ended already). */
  async function failed(callId: string, queueId: string, error: unknown, handle?: string): Promise<void> {
    if (await sessions.handedOver(callId).catch(() => false)) return;
    log.warn('the bot could not take the call: it goes to the agents', {
      callId,
      queue: queueId,
      error: errorText(error),
    });
    await handOver(callId, queueId, BOT_FAILED_NOTE, [], handle).catch((failure: unknown) =>
      log.error('a call the bot failed was not queued', { callId, error: errorText(failure) }),
    );
  }

  /** The bot kept the call past its queue's limit without escalating or ending it: the agents take it. */
  async function turnOver(turn: string): Promise<void> {
    const [callId, handle] = JSON.parse(turn) as [string, string];
    const holder = await sessions.holderOf(callId);
    // failed() passes over a call handed over meanwhile.
    if (holder?.handle !== handle || (await store.terminated(callId))) return;
    await failed(callId, holder.queueId, new Error('the bot kept the call past its queue’s limit'), handle);
  }
  deps.turnLimits?.onDue(turnOver);

  /**
   * The relay instance that had the bot's leg died, and this one took the leg over (its Janus session). Answered on
   * WhatsApp, the call stays with the bot: its escalate or end reaches any instance, the customer's and the bot's legs
   * are moved from here, and a bot that hangs up from now on gives the call to the queue. Pre-accepted only (the
   * instance died before its accept took), this instance finishes the answer with the same SDP and goes on as for an
   * answered call. Not answered (the instance died before WhatsApp took its pre_accept), the call goes to the queue's
   * agents at once, as for a bot that failed: a leg WhatsApp never had the answer of is of no use.
   */
  async function adopt(callId: string): Promise<void> {
    const holder = await sessions.holderOf(callId);
    const queue = holder && deps.queues().find((q) => q.id === holder.queueId);
    // Handed over already: the agent's answer brings the customer back and sends the bot away from here.
    if (!holder || !queue) return;
    if (!(await answeredAfterTakeover(callId, queue.id))) {
      // WhatsApp never had an answer: the leg joined for it is of no use; the answering agent's instance joins anew.
      await anchored.dropAdoptedCustomer(callId);
      await failed(callId, queue.id, new Error('the relay instance answering for the bot stopped'), holder.handle);
      return;
    }
    const bot = handBackBots(queue).find((b) => b.id === holder.bot);
    if (bot?.stayListening) staying.add(callId);
    const gone = () => void failed(callId, queue.id, new Error('the bot’s media connection ended'), holder.handle);
    anchored.watchAdoptedBot(callId, gone);
    // The bot may have gone while no instance held the dead one's session: nobody heard its hang-up then.
    if (!(await anchored.adoptedBotInRoom(callId))) gone();
    log.warn('the bot keeps the call: its leg is driven from this instance now', { callId, queue: queue.id });
  }

  /** The call's context for a bot an agent hands it to: what the first bot learned, and the agent's note. */
  async function handBackContext(callId: string, queue: QueueConfig, bot: QueueBot, handle: string, note: string) {
    const [known, offer] = await Promise.all([sessions.note(callId), store.offer(callId)]);
    const learned = known && known.summary !== BOT_FAILED_NOTE.summary ? known : undefined;
    return {
      call: handle,
      queue: queue.id,
      ...(bot.shareCustomer && offer && { customer: { number: offer.from, name: offer.callerName } }),
      handBack: { ...(learned && { summary: learned.summary }), facts: learned?.facts ?? {}, note },
    };
  }

  /**
   * The agent who holds an answered call alone hands it to a bot: the bot's leg joins the room and its media comes
   * up, then the team model gives it the call and the agent's leg leaves (the agent owes the wrap-up). Until the
   * bot's media is up the agent stays on the call; a bot that fails later gives the call to the queue.
   */
  async function handBack(agentId: string, callId: string, botId: string, note: string): Promise<HandBackResult> {
    const queueId = await store.queueOf(callId);
    const queue = deps.queues().find((q) => q.id === queueId);
    const bot = queue && handBackBots(queue).find((b) => b.id === botId);
    if (!queue || !bot) return { ok: false, why: 'no_such_bot' };
    const call = await deps.floor.call(callId);
    if (call?.customerHeld)
      await deps.bus.publish({
        kind: 'direct',
        callId,
        targets: [],
        event: { type: 'customer_hold_wanted', callId, held: false, by: agentId },
      });
    // A bot still in the room, muted and listening since the agent took the call, makes way for the new one.
    await leaveBot(callId);
    const handle = await sessions.open(callId, queue.id, bot.id);
    const context = await handBackContext(callId, queue, bot, handle, note);
    const up = await anchored
      .connectBot(
        callId,
        (sdp) => askBot(callId, bot, sdp, context),
        BOT_MEDIA_MS,
        () => void failed(callId, queue.id, new Error('the bot’s media connection ended'), handle),
      )
      .catch((error: unknown) => {
        log.warn('the bot an agent handed the call to did not take it', {
          callId,
          bot: bot.id,
          error: errorText(error),
        });
        return false;
      });
    const taken = up && (await deps.floor.apply({ kind: 'hand_to_bot', callId, agentId, botId: `bot:${bot.id}` })).ok;
    if (!taken) {
      // The call stays with the agent: the bot's handle gives it up, and its leg (if any) goes.
      await sessions.takeHandOver(callId, handle);
      await leaveBot(callId);
      return { ok: false, why: up ? 'call_changed' : 'bot_failed' };
    }
    await store.release(callId);
    await took(callId, queue.id, bot.id, true);
    // The agent's leg leaves the room on whichever instance has it; the desk ends the call there and wraps it up.
    await deps.bus.publish({
      kind: 'direct',
      callId,
      targets: [agentId],
      event: { type: 'call_transferred', callId, to: bot.name },
    });
    log.info('an agent handed the call to a bot', { callId, agent: agentId, bot: bot.id });
    return { ok: true, name: bot.name };
  }

  /** The bot holding the call ends it: on WhatsApp, in the team model and on every instance's media legs. */
  async function end(callId: string, handle: string): Promise<boolean> {
    if (!(await sessions.takeEnd(callId, handle))) return false;
    try {
      await (await deps.graphFor(callId)).terminate(callId);
    } catch (error) {
      await sessions.releaseHandOver(callId, handle).catch(() => undefined);
      throw error;
    }
    await endTurnLimit(callId, handle);
    const offer = await store.offer(callId);
    await deps.floor.apply({ kind: 'end', callId });
    await store.endActive(callId);
    await deps.bus.publish({
      kind: 'event',
      callId,
      event: { type: 'call_terminated', callId, from: offer?.from ?? '', status: 'COMPLETED', errors: [] },
    });
    log.info('the bot ended the call', { callId });
    return true;
  }

  return {
    /** A call of a queue with a bot: answered for the bot; on any failure it goes to the queue at once. */
    start(offer: Offered, queue: QueueConfig): void {
      if (queue.bot?.stayListening) staying.add(offer.callId);
      answerWithBot(offer, queue).catch((error: unknown) =>
        failed(offer.callId, queue.id, error, error instanceof BotCallFailed ? error.handle : undefined),
      );
    },
    /** The bot's escalate request, its token and call already checked. */
    escalate: (callId: string, escalation: BotEscalation, handle?: string) =>
      handOver(
        callId,
        escalation.queue,
        { summary: escalation.summary, facts: escalation.facts },
        escalation.transcript,
        handle,
      ),
    handBack,
    end,
    adopt: (callId: string) =>
      adopt(callId).catch((error: unknown) =>
        log.error('a bot’s call taken over from a dead instance not looked after', { callId, error: errorText(error) }),
      ),
    /** What the bot learned, for the agents' rings. */
    note: (callId: string) => sessions.note(callId),
    /** Each instance follows the bus for the bot legs it holds. */
    follow(message: RelayBusMessage): void {
      const { event, callId } = message;
      if (event.type === 'call_terminated') {
        staying.delete(callId);
        endWhipLater(callId);
        sessions.letGo(callId).catch(() => undefined);
      }
      const done =
        event.type === 'customer_hold_wanted' && event.held && event.by === 'assistant' && anchored.hasBot(callId)
          ? anchored.muteBot(callId)
          : // The instance with the customer's leg brings them back from the music (the bot may be gone already).
            event.type === 'call_taken' && (anchored.hasCustomer(callId) || anchored.hasBot(callId))
            ? sessions.handedOver(callId).then((handed) => (handed ? agentTook(callId) : undefined))
            : undefined;
      done?.catch((error: unknown) => log.warn('the bot’s leg not moved on', { error: errorText(error) }));
    },
  };
}
export type BotCalls = ReturnType<typeof createBotCalls>;

const delay = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
