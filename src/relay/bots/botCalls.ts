import type { AssistantNote, BotEscalation } from '../../shared/botProtocol';
import { buildCallbackData } from '../../shared/callbackData';
import type { CallSignal } from '../../shared/callSignals';
import type { RelayBusMessage } from '../../shared/relayProtocol';
import { errorText } from '../../shared/errorText';
import type { QueueConfig } from '../../shared/teamQueues';
import type { GraphClient } from '../../whatsapp/graphClient';
import type { Logger } from '../../whatsapp/logger';
import type { Bus } from '../bus';
import type { CallStore } from '../callStore';
import type { AnchoredCalls } from '../media/anchoredCalls';
import type { BotSessions } from './botSessions';
import { offerToBot } from './smallWebrtcOffer';

type Offered = Extract<CallSignal, { type: 'call_offered' }>;

/** What the agent's card reads when the bot could not take the call. */
export const BOT_FAILED_NOTE: AssistantNote = { summary: 'The assistant could not take this call.', facts: {} };

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
    'answerCustomer' | 'connectBot' | 'dropBot' | 'muteBot' | 'hasBot' | 'hasCustomer' | 'deskLegUp'
  >;
  store: Pick<CallStore, 'markAccepted' | 'wasAccepted' | 'terminated' | 'owner'>;
  graphFor: (callId: string) => Promise<GraphClient>;
  /** The call waits in this queue and rings its agents (the queue router's own steps from here). */
  enqueue: (callId: string, queueId: string) => Promise<void>;
  bus: Bus;
  /** The team's name in the callback data WhatsApp echoes (the relay's Redis prefix). */
  team: string;
  /** What the bot learned, kept with the call record. */
  onNote?: (callId: string, note: AssistantNote, transcript: BotEscalation['transcript']) => void;
  log: Logger;
}) {
  const { sessions, anchored, store, log } = deps;
  /** Bots on this instance that stay in the room muted once an agent has the call (their queue says so). */
  const staying = new Set<string>();

  /** Answers the call on WhatsApp with the media server's answer (nothing is sent until the bot has its leg). */
  async function acceptOnWhatsapp(callId: string, queueId: string, answer: string): Promise<void> {
    const graph = await deps.graphFor(callId);
    const bizOpaque = buildCallbackData({ team: deps.team, queue: queueId, agent: 'assistant' });
    await graph.preAccept(callId, answer, { bizOpaque });
    await graph.accept(callId, answer, { bizOpaque });
    await store.markAccepted(callId);
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
      async (sdp) => (await offerToBot(bot, sdp, context)).sdp,
      BOT_MEDIA_MS,
      // The bot went away before handing over (it crashed, its connection dropped): the agents take the call.
      () => void failed(offer, queue, new Error('the bot’s media connection ended')),
    );
    if (!up) throw new Error('the bot’s media never connected');
    if (await sessions.handedOver(callId)) return;
    // The customer's leg joins only now, as WhatsApp gets its answer: Janus's checks toward WhatsApp start with it.
    const answer = await anchored.answerCustomer(callId, offer.sdpOffer);
    await acceptOnWhatsapp(callId, queue.id, answer);
    log.info('call answered by the queue’s bot', { callId, queue: queue.id });
  }

  /** The call leaves the bot for a queue of agents, once: the customer waits on the music if WhatsApp has it. */
  async function handOver(
    callId: string,
    queueId: string,
    note: AssistantNote,
    transcript: BotEscalation['transcript'] = [],
  ): Promise<boolean> {
    if (!(await sessions.takeHandOver(callId))) return false;
    if (await store.terminated(callId)) return false;
    try {
      await queueFromBot(callId, queueId, note, transcript);
    } catch (error) {
      // Not queued: the hand-over may be asked again (the bot's retry after a 503).
      await sessions.releaseHandOver(callId).catch(() => undefined);
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
    await sessions.keepNote(callId, note);
    deps.onNote?.(callId, note, transcript);
    if (await store.wasAccepted(callId))
      await deps.bus.publish({
        kind: 'direct',
        callId,
        targets: [],
        event: { type: 'customer_hold_wanted', callId, held: true, by: 'assistant' },
      });
    else await anchored.dropBot(callId);
    await deps.enqueue(callId, queueId);
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
    await anchored.dropBot(callId);
    log.info('the bot left the call: an agent has it', { callId, agent: owner });
  }

  /** The bot failed the call: it goes to the queue's agents at once (unless handed over or ended already). */
  async function failed(offer: Offered, queue: QueueConfig, error: unknown): Promise<void> {
    if (await sessions.handedOver(offer.callId).catch(() => false)) return;
    log.warn('the queue’s bot could not take the call: it goes to the agents', {
      callId: offer.callId,
      queue: queue.id,
      error: errorText(error),
    });
    await handOver(offer.callId, queue.id, BOT_FAILED_NOTE).catch((failure: unknown) =>
      log.error('a call the bot failed was not queued', { callId: offer.callId, error: errorText(failure) }),
    );
  }

  return {
    /** A call of a queue with a bot: answered for the bot; on any failure it goes to the queue at once. */
    start(offer: Offered, queue: QueueConfig): void {
      if (queue.bot?.stayListening) staying.add(offer.callId);
      answerWithBot(offer, queue).catch((error: unknown) => failed(offer, queue, error));
    },
    /** The bot's escalate request, its token and call already checked. */
    escalate: (callId: string, escalation: BotEscalation) =>
      handOver(
        callId,
        escalation.queue,
        { summary: escalation.summary, facts: escalation.facts },
        escalation.transcript,
      ),
    /** What the bot learned, for the agents' rings. */
    note: (callId: string) => sessions.note(callId),
    /** Each instance follows the bus for the bot legs it holds. */
    follow(message: RelayBusMessage): void {
      const { event, callId } = message;
      if (event.type === 'call_terminated') staying.delete(callId);
      const done =
        event.type === 'customer_hold_wanted' && event.held && event.by === 'assistant' && anchored.hasBot(callId)
          ? anchored.muteBot(callId)
          : // The instance with the customer's leg brings them back from the music (the bot may be gone already).
            event.type === 'call_taken' && anchored.hasCustomer(callId)
            ? sessions.handedOver(callId).then((handed) => (handed ? agentTook(callId) : undefined))
            : undefined;
      done?.catch((error: unknown) => log.warn('the bot’s leg not moved on', { error: errorText(error) }));
    },
  };
}
export type BotCalls = ReturnType<typeof createBotCalls>;

const delay = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
