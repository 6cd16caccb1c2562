import { z } from 'zod';
import { ReceivedAccountAlert } from './accountAlerts';
import { AgentStateName } from './teamState';
import { IceServers } from './iceServers';
import { BoardThresholds, DEFAULT_THRESHOLDS } from './boardTiles';

/** One line of figures: a queue, an agent, or the whole team, for today so far. */
export const BoardFigures = z.object({
  offered: z.number().int(),
  answered: z.number().int(),
  /**
   * Team and queue: rang at agents and ended before anyone answered. An agent: rings that rang out at them (a ring
   * withdrawn because a colleague answered or the caller hung up is not theirs); rings recorded before their outcome
   * was kept count as before, every call that rang at them and ended without their answer.
   */
  missed: z.number().int(),
  /** An agent's rings they declined (an agent's line only). */
  declined: z.number().int().optional(),
  /** The caller gave up while the call waited in its queue, before it rang anyone. */
  abandoned: z.number().int(),
  /** Average speed of answer, seconds; undefined before the first answer. */
  asaSec: z.number().optional(),
  /** Average handle time (Meta's billed talk time), seconds. */
  ahtSec: z.number().optional(),
  /** Share of answered calls answered within the service-level threshold, of calls that ended or were answered. */
  serviceLevelPct: z.number().optional(),
  /** CSAT: the average of the customers' ratings (post-call survey, 1-5), and how many calls were rated. */
  csatAvg: z.number().optional(),
  csatCount: z.number().int().optional(),
  /** Turned away by the queue without an agent (team and queue lines, when any were): closed, or waited too long. */
  closed: z.number().int().optional(),
  waitedTooLong: z.number().int().optional(),
  /**
   * Calls of a queue with a bot (team and queue lines; absent without any): handled by the bot alone (no agent took
   * them), escalated by the bot to agents, and handed back by an agent to a bot.
   */
  bot: z.object({ alone: z.number().int(), escalated: z.number().int(), handedBack: z.number().int() }).optional(),
});
export type BoardFigures = z.infer<typeof BoardFigures>;

export const BoardSnapshot = z.object({
  atMs: z.number(),
  waiting: z.array(
    z.object({
      callId: z.string(),
      queue: z.string(),
      customer: z.string(),
      /** The customer's WhatsApp username, when they use one (shown as @username where there is no number). */
      username: z.string().max(100).optional(),
      sinceMs: z.number(),
      ringingAt: z.array(z.string()),
    }),
  ),
  inProgress: z.array(
    z.object({
      callId: z.string(),
      queue: z.string().optional(),
      agent: z.string(),
      customer: z.string(),
      username: z.string().max(100).optional(),
      direction: z.enum(['inbound', 'outbound']),
      /** A call an agent placed for a queue's callback: the board names it a callback, not an outbound call. */
      callback: z.boolean().optional(),
      sinceMs: z.number(),
      /** The agent has put the customer on hold. */
      held: z.boolean().optional(),
      /** When the hold began (the board counts the hold's time from it, not the call's). */
      heldSinceMs: z.number().optional(),
      /** Its media goes through the team's media server, so a supervisor can listen in and barge. */
      listenable: z.boolean().default(false),
    }),
  ),
  /** Calls a bot holds now (answered first, or handed back by an agent), under their queue; since the bot took them. */
  withAssistant: z
    .array(
      z.object({
        callId: z.string(),
        queue: z.string(),
        /** The bot's name when an agent handed the call to a named bot; absent for the queue's own bot. */
        bot: z.string().max(80).optional(),
        customer: z.string(),
        username: z.string().max(100).optional(),
        sinceMs: z.number(),
      }),
    )
    .default([]),
  agents: z.array(
    z.object({
      id: z.string(),
      /** The state the team relay gives the agent, with the not-ready reason; since when it holds. */
      state: AgentStateName,
      reason: z.string().optional(),
      sinceMs: z.number().optional(),
      queues: z.array(z.string()),
      /** What the agent (or a supervisor) chose, in force now or once their call and wrap-up are done. */
      chosen: z.enum(['available', 'not_ready']).optional(),
      /** The not-ready reason chosen with it (a supervisor's Away for training...), pending while on a call. */
      chosenReason: z.string().optional(),
      /** Reserved for a queue's callback (offered to them, or taken and not yet placed) rather than a ringing call. */
      holdingCallback: z.boolean().optional(),
    }),
  ),
  /** The queues this board covers (the supervisor's scope), in the layout's order: the wallboard shows each in turn. */
  queues: z.array(z.string()).default([]),
  /** Each queue id the snapshot names, with the name the operator gave it (RELAY_QUEUES_FILE). */
  queueNames: z.record(z.string(), z.string().max(80)).default({}),
  /** Queues closed now by their business hours (a holiday, or outside the opening periods). */
  closedQueues: z.array(z.object({ queue: z.string(), why: z.enum(['holiday', 'outside_hours']) })).default([]),
  /**
   * Customers' callbacks not yet done (queues that offer them when they turn a call away), the oldest call first:
   * waiting for a free agent, waiting for the customer's answer to a call-permission request (offered to nobody
   * until then), offered to an agent, or being called; with the attempts made so far.
   */
  callbacks: z
    .array(
      z.object({
        callbackId: z.string().max(32),
        queue: z.string(),
        customer: z.string(),
        /** When the customer's original call arrived: the callback keeps its place. */
        sinceMs: z.number(),
        attempts: z.number().int().min(0),
        state: z.enum(['waiting', 'awaiting_permission', 'offered', 'calling']),
        agent: z.string().optional(),
      }),
    )
    .max(200)
    .default([]),
  /** Today's callbacks: offered to customers, asked for by them, and completed (absent without call records). */
  callbacksToday: z
    .object({ offered: z.number().int(), accepted: z.number().int(), completed: z.number().int() })
    .optional(),
  /** What an admin set for the floor (team settings): the tiles and alerts are measured against it. */
  thresholds: BoardThresholds.default(DEFAULT_THRESHOLDS),
  /** The team's not-ready reasons, for a supervisor setting an agent away for one of them. */
  notReadyReasons: z.array(z.string().max(40)).max(50).default([]),
  /** WhatsApp's word about the team's numbers: restrictions, warnings, errors about no one call (newest first). */
  accountAlerts: z
    .array(ReceivedAccountAlert.extend({ sentence: z.string().max(500) }))
    .max(20)
    .default([]),
  today: z.discriminatedUnion('ok', [
    z.object({
      ok: z.literal(true),
      serviceLevelSec: z.number(),
      team: BoardFigures,
      byQueue: z.array(BoardFigures.extend({ queue: z.string() })),
      byAgent: z.array(BoardFigures.extend({ agent: z.string() })),
    }),
    z.object({ ok: z.literal(false), reason: z.string() }),
  ]),
});
export type BoardSnapshot = z.infer<typeof BoardSnapshot>;

/** One of an agent's recent calls, for the supervisor. */
export const AgentCall = z.object({
  callId: z.string(),
  customer: z.string(),
  queue: z.string().optional(),
  offeredAtMs: z.number(),
  answered: z.boolean(),
  /** Came onto the call after someone else answered it: took it over by transfer, or joined a conference. */
  joined: z.enum(['transfer', 'conference']).optional(),
  talkSec: z.number().optional(),
  outcome: z.string().optional(),
  notes: z.string().optional(),
  /** The team's media server recorded this call (after the consent notice): the board can play it. */
  recorded: z.boolean().default(false),
});
export type AgentCall = z.infer<typeof AgentCall>;

/** How the supervisor is on a call they listen to: heard by nobody, by the agent alone, or by everyone. */
export const TalkMode = z.enum(['listen', 'whisper', 'barge']);
export type TalkMode = z.infer<typeof TalkMode>;

/** Why the relay did not switch the supervisor's line as asked; the page words it in its language. */
export const TalkRefusal = z.enum([
  'outside_scope',
  'direct',
  'not_in_progress',
  'not_listening',
  'not_connected',
  'not_alone',
  'held',
  'busy',
  'elsewhere',
  'failed',
]);
export type TalkRefusal = z.infer<typeof TalkRefusal>;

/** Supervisor page -> relay. The first message must be `hello` with the supervisor token. */
export const BoardRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), token: z.string().max(4096) }),
  /** The same person's refreshed token (a company sign-in renews it at half-life): the session goes on under it. */
  z.object({ type: z.literal('renew'), token: z.string().max(4096) }),
  z.object({
    type: z.literal('set_status'),
    agentId: z.string().min(1).max(64),
    status: z.enum(['available', 'away']),
    /** Away for one of the team's not-ready reasons (lunch, training...); none: plain away. */
    reason: z.string().min(1).max(40).optional(),
    /**
     * The last moment (on the relay's clock, as the page reckons it from the snapshots) the supervisor still waits for
     * this change: one held up on the way (a relay frozen, a line stalled) and arriving later is refused, not done.
     */
    notAfterMs: z.number().optional(),
  }),
  z.object({ type: z.literal('agent_calls'), agentId: z.string().min(1).max(64) }),
  /** Listen in silently: the relay answers with the media server's offer for the supervisor's own leg. */
  z.object({ type: z.literal('listen'), callId: z.string().min(1).max(256) }),
  z.object({
    type: z.literal('listen_answer'),
    callId: z.string().min(1).max(256),
    sdp: z.string().min(1).max(12_000),
  }),
  /** Become heard by the customer and the agent. */
  z.object({ type: z.literal('barge'), callId: z.string().min(1).max(256) }),
  /** Switch the supervisor's line: silent (listen), heard by the agent alone (whisper), or by everyone (barge). */
  z.object({ type: z.literal('talk'), callId: z.string().min(1).max(256), mode: TalkMode }),
  z.object({ type: z.literal('stop_listening'), callId: z.string().min(1).max(256) }),
]);
export type BoardRequest = z.infer<typeof BoardRequest>;

/** Relay -> supervisor page. */
/** The relay pings each board socket, and tells each signed-in page it is there, this often. */
export const BOARD_ALIVE_MS = 5000;

export const BoardMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), supervisor: z.string() }),
  z.object({ type: z.literal('snapshot'), snapshot: BoardSnapshot }),
  z.object({ type: z.literal('agent_calls'), agentId: z.string(), calls: z.array(AgentCall) }),
  /** A sentence for the supervisor; `untilLive`: it says why something waits for the figures, and goes with them. */
  z.object({ type: z.literal('error'), message: z.string(), untilLive: z.boolean().optional() }),
  /** The relay is there (every few seconds, apart from snapshots): a page that hears nothing for long has lost it. */
  z.object({ type: z.literal('alive') }),
  /**
   * The relay cannot build the board's figures just now (the team's store fails or does not answer): sent every second
   * while so, apart from `alive`, so a page whose figures stopped can say why. The next snapshot ends it.
   */
  z.object({ type: z.literal('figures_stalled') }),
  z.object({
    type: z.literal('listen_offer'),
    callId: z.string(),
    sdp: z.string(),
    /** The team's TURN servers with this supervisor's time-limited credentials, when the team has TURN. */
    iceServers: IceServers.optional(),
  }),
  /**
   * The supervisor's leg is in the call: heard by the customer (after barge) or not; `mode` says how exactly, and
   * `whisperEnded` that the call changed under a whisper (a hold, a colleague, the agent left): back to listening.
   */
  z.object({
    type: z.literal('listening'),
    callId: z.string(),
    heard: z.boolean(),
    mode: TalkMode.optional(),
    whisperEnded: z.literal(true).optional(),
  }),
  /** The line stays as it was: the switch asked for was refused, and why. */
  z.object({ type: z.literal('talk_refused'), callId: z.string(), mode: TalkMode, why: TalkRefusal }),
  /** The supervisor's leg left the call, and why in a sentence. */
  z.object({
    type: z.literal('listen_ended'),
    callId: z.string(),
    reason: z.string(),
    /** Refused because another supervisor whispers on the call: the page words it in its language. */
    why: z.literal('whispering').optional(),
  }),
]);
export type BoardMessage = z.infer<typeof BoardMessage>;
