import type { BoardSnapshot } from '../src/shared/boardSchemas';

/** Where one call is, as the supervisor's board shows it. */
export type CallPlace =
  /** `name`: the hand-back bot's name, else its queue's name (the queue's own bot). */
  | { at: 'bot'; queue: string; bot?: string; name: string }
  | { at: 'waiting'; queue: string; ringingAt: string[] }
  | { at: 'agent'; agent: string };

/** How the call ended, as WhatsApp (the simulator) saw it. */
export type CallEnd = 'business_reject' | 'business_terminate' | 'caller_hangup' | 'no_media';

/** The demo's voices, by pitch. */
export interface DemoTones {
  caller: number;
  front: number;
  survey: number;
}

/** The call's place on the board now; undefined when the board does not list it (not yet, or no more). */
export function placeOf(snapshot: BoardSnapshot, callId: string): CallPlace | undefined {
  const bot = snapshot.withAssistant.find((c) => c.callId === callId);
  if (bot)
    return {
      at: 'bot',
      queue: bot.queue,
      ...(bot.bot && { bot: bot.bot }),
      name: bot.bot ?? snapshot.queueNames[bot.queue] ?? bot.queue,
    };
  const waiting = snapshot.waiting.find((c) => c.callId === callId);
  if (waiting) return { at: 'waiting', queue: waiting.queue, ringingAt: waiting.ringingAt };
  const talking = snapshot.inProgress.find((c) => c.callId === callId);
  if (talking) return { at: 'agent', agent: talking.agent };
  return undefined;
}

/** Why the agent's desk does not ring, from the state the board gives them. */
function notRinging(snapshot: BoardSnapshot, agent: string): string {
  const state = snapshot.agents.find((a) => a.id === agent);
  if (state?.state === 'after_call_work') return `your desk is in wrap-up: it rings once you save the wrap-up`;
  if (state?.state === 'not_ready')
    return `your desk is not ready${state.reason ? ` (${state.reason})` : ''}: it rings once you are ready`;
  if (!state || state.state === 'offline') return 'your desk is not signed in: it rings once it is';
  return 'no desk rings for it now';
}

const queueName = (snapshot: BoardSnapshot, queue: string) => snapshot.queueNames[queue] ?? queue;

/**
 * The terminal's line for a call moving from one place on the board to the next (undefined: nothing to say). Only
 * what the board shows is told: a desk rings when the board has the call ringing there, never because it should.
 */
export function moveLine(
  from: CallPlace | undefined,
  to: CallPlace,
  snapshot: BoardSnapshot,
  agent: string,
  tones: DemoTones,
): string | undefined {
  const queue = queueName(snapshot, to.at === 'agent' ? '' : to.queue);
  if (to.at === 'bot') {
    if (from?.at === 'bot' && from.bot === to.bot) return undefined;
    if (to.bot)
      return from?.at === 'agent'
        ? `You handed the call to the ${to.bot} bot (${tones.survey} Hz): your call went to the wrap-up.`
        : `The ${to.bot} bot took the call.`;
    return `The ${queue} bot answered (a ${tones.front} Hz tone); it hands over in a few seconds.`;
  }
  if (to.at === 'agent') {
    if (from?.at === 'agent' && from.agent === to.agent) return undefined;
    return to.agent === agent
      ? `You answered: the call is yours (the customer plays a ${tones.caller} Hz tone).`
      : `Agent "${to.agent}" answered the call.`;
  }
  const ringing = to.ringingAt.includes(agent);
  if (from?.at === 'waiting' && from.queue === to.queue) {
    const rang = from.ringingAt.includes(agent);
    if (ringing && !rang) return `Your desk rings for the call waiting in ${queue}.`;
    if (!ringing && rang)
      return `Your desk stopped ringing; the call waits in ${queue} (${notRinging(snapshot, agent)}).`;
    return undefined;
  }
  const how =
    from?.at === 'bot'
      ? `The bot handed the call to ${queue}: the caller hears the hold music`
      : `The call waits in ${queue}: the caller hears the hold music`;
  return ringing ? `${how}, and your desk rings with its summary.` : `${how}; ${notRinging(snapshot, agent)}.`;
}

/**
 * Whether a call that has just come to wait is, on this board, only a moment from ringing the agent: their desk is
 * free, and routing rings it in the next update. The demo waits a little for that update rather than tell the
 * moment between as "no desk rings".
 */
export function mayRingSoon(
  from: CallPlace | undefined,
  to: CallPlace,
  snapshot: BoardSnapshot,
  agent: string,
): boolean {
  if (to.at !== 'waiting' || to.ringingAt.includes(agent)) return false;
  if (from?.at === 'waiting' && from.queue === to.queue) return false;
  return snapshot.agents.find((a) => a.id === agent)?.state === 'available';
}

/** The terminal's line for the end of a call, from the last place the board showed it and how WhatsApp saw it end. */
export function endLine(last: CallPlace | undefined, end: CallEnd): string {
  if (end === 'caller_hangup') return 'The customer hung up.';
  if (end === 'no_media') return 'WhatsApp ended the call: no audio reached the customer.';
  if (end === 'business_reject') return 'The team declined the call on WhatsApp.';
  if (last?.at === 'bot') return `The ${last.name} bot ended the call on WhatsApp.`;
  if (last?.at === 'agent') return 'The call ended from the desk.';
  return 'The team ended the call on WhatsApp.';
}
