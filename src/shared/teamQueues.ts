import { z } from 'zod';
import { ruleIssue, SETTINGS_RULES } from './settingsRules';
import { BusinessHours } from './businessHours';
import { AgentId } from './agentId';

export const QueueId = z.string().regex(/^[a-z0-9_-]{1,40}$/, SETTINGS_RULES.queueId);

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * A bot that answers the queue's calls first, as one more party of the call's room on the media server (anchored
 * queues only). The relay offers it a leg the way pipecat's SmallWebRTC transport takes one (`POST url` with
 * `{sdp, type, pc_id}`), and the bot hands the call over with `POST /bot/escalate` carrying `token`.
 */
export const QueueBot = z.object({
  /** The bot's offer endpoint; https, or http on this machine only (the token travels with every offer). */
  url: z
    .string()
    .url()
    .refine(
      (raw) => {
        const url = new URL(raw);
        return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
      },
      { message: 'https://, or http:// on this machine only' },
    ),
  /** Shared with the bot: sent with each offer, and the bearer of its escalate requests for this queue's calls. */
  token: z.string().min(32, 'at least 32 characters').max(200),
  /** The bot must answer the offer within this long, or the call goes to the queue's agents at once. */
  answerSeconds: z.number().min(1).max(10).default(3),
  /** The bot is told the customer's number and name (never Meta's tokens). */
  shareCustomer: z.boolean().default(false),
  /** Once an agent has the call, the bot stays in the room muted, listening (for notes), instead of leaving. */
  stayListening: z.boolean().default(false),
  /** What the agent's "Hand to …" action calls this bot. */
  name: z.string().min(1).max(80).default('Assistant'),
  /**
   * How the bot takes its leg: pipecat's SmallWebRTC JSON offer/answer, or WHIP (RFC 9725: POST application/sdp,
   * 201 Created with the answer and a Location, DELETE that resource to end the session).
   */
  protocol: z.enum(['smallwebrtc', 'whip']).default('smallwebrtc'),
  /**
   * The longest the bot keeps a call without escalating or ending it (a bot that stalls, a caller it cannot make
   * out): then the call goes to the queue's agents with "The assistant could not take this call". Unset: no limit.
   */
  maxSeconds: z.number().int().min(10).max(3600).optional(),
});
export type QueueBot = z.infer<typeof QueueBot>;

/** The id by which an agent's hand-back names the queue's own bot (a named hand-back bot may not take it). */
export const QUEUE_BOT_ID = 'queue-bot';

/**
 * A bot an agent may hand the queue's calls back to (a payment step, a survey), beside the queue's own bot: it joins
 * the call's room as the queue's bot does, and may end the call or escalate it again.
 */
export const HandBackBot = QueueBot.extend({
  id: z
    .string()
    .regex(/^[a-z0-9_-]{1,40}$/, 'a bot id: lower-case letters, digits, - or _')
    .refine((id) => id !== QUEUE_BOT_ID, { message: `${QUEUE_BOT_ID} names the queue's own bot` }),
});
export type HandBackBot = z.infer<typeof HandBackBot>;

/**
 * The post-call survey (CSAT) a queue sends the customer on WhatsApp after an answered call: a list message whose
 * five rows are the ratings 1 to 5 (reply buttons allow only three). The words are the operator's, in the customer's
 * language; the row titles are read from the worst rating to the best.
 */
export const QueueSurvey = z.object({
  body: z
    .string()
    .min(1)
    .max(4096)
    .default('How did we do on this call? Choose a rating from 1 (poor) to 5 (very good).'),
  button: z.string().min(1).max(20).default('Rate the call'),
  section: z.string().min(1).max(24).default('Your rating'),
  ratings: z
    .array(z.string().min(1).max(24))
    .length(5)
    .default(['1 - Very poor', '2 - Poor', '3 - OK', '4 - Good', '5 - Very good']),
});
export type QueueSurvey = z.infer<typeof QueueSurvey>;

/**
 * The customer's offer of a callback when the queue turns their call away: a WhatsApp message with two reply buttons
 * (Meta's "Interactive reply buttons messages": body up to 1024 characters, button labels up to 20, unique), in the
 * queue's own words. A tap on `accept` puts the customer in the queue's callbacks, kept `keepHours`.
 */
export const QueueCallbackOffer = z
  .object({
    body: z
      .string()
      .min(1)
      .max(1024)
      .default('Sorry we could not take your call. Would you like us to call you back when an agent is free?'),
    accept: z.string().min(1).max(20).default('Call me back'),
    decline: z.string().min(1).max(20).default('No thanks'),
    /** A waiting callback nobody reached within this many hours is dropped. */
    keepHours: z.number().int().min(1).max(168).default(24),
  })
  .refine((o) => o.accept !== o.decline, { message: 'the two button labels must differ', path: ['decline'] });
export type QueueCallbackOffer = z.infer<typeof QueueCallbackOffer>;

/**
 * What a queue does with a call it will not take (closed, or waited too long): `reject` ends it on WhatsApp at once;
 * `message` first sends the customer `message` as a WhatsApp text, then ends the call; `callback` ends the call, then
 * offers the customer a callback with reply buttons (`callback` holds the words, English by default).
 */
const TurnAwayAction = z.enum(['reject', 'message', 'callback']);
const turnAwayFields = {
  action: TurnAwayAction.default('reject'),
  message: z.string().min(1).max(4096).optional(),
  callback: QueueCallbackOffer.optional(),
};
const needsMessage = (t: { action: z.infer<typeof TurnAwayAction>; message?: string }) =>
  t.action !== 'message' || !!t.message;
const needsMessageIssue = { message: SETTINGS_RULES.needsMessage, path: ['message'] };
export const TurnAway = z.object(turnAwayFields).refine(needsMessage, needsMessageIssue);
export type TurnAway = z.infer<typeof TurnAway>;

/** The callback offer's words for a turn-away that offers one (the defaults when the queue gave none). */
export function callbackOfferOf(how: { action: string; callback?: QueueCallbackOffer } | undefined) {
  return how?.action === 'callback' ? (how.callback ?? QueueCallbackOffer.parse({})) : undefined;
}

/** The queue's business hours; outside them (or on a holiday) its calls are turned away as `closed` says. */
export const QueueHours = BusinessHours.extend({ closed: TurnAway.default({ action: 'reject' }) });
export type QueueHours = z.infer<typeof QueueHours>;

/** A call waiting this long for an agent of the queue (rung or not) is turned away as `action` says. */
export const QueueMaxWait = z
  .object({ seconds: z.number().int().min(10).max(3600), ...turnAwayFields })
  .refine(needsMessage, needsMessageIssue);
export type QueueMaxWait = z.infer<typeof QueueMaxWait>;

/** A member's level: a missing or non-number one is named by the rule, as a fraction is (zod's words for the rest). */
const memberLevel = z
  .number({ error: (issue) => (issue.code === 'invalid_type' ? SETTINGS_RULES.memberLevel : undefined) })
  .int(SETTINGS_RULES.memberLevel)
  .min(1)
  .max(10);

/** One queue of the team: which calls come to it and which agents serve it, with a level per agent. */
/** The longest a queue may ring one agent; the desk's own ring limit in a team stays above it (deskRingLimit.ts). */
export const MAX_RING_SECONDS = 120;

export const QueueConfig = z.object({
  id: QueueId,
  name: z.string().min(1).max(80),
  /** longest_idle: one agent at a time, the most skilled and longest idle first; ring_all: every agent at once. */
  routing: z.enum(['longest_idle', 'ring_all']).default('longest_idle'),
  /** An agent who does not answer within this is skipped (longest_idle). */
  ringSeconds: z.number().int().min(5).max(MAX_RING_SECONDS).default(15),
  /** Unanswered this long, the call rings every available agent of the queue; twice this long, the fallback's too. */
  overflowSeconds: z.number().int().min(10).max(600).default(60),
  fallback: QueueId.optional(),
  /**
   * Call waiting: when none of the queue's agents is free, a call may ring at an agent already on one call (never on
   * two, never one ringing, in after-call work or not ready); the desk shows it as a waiting call.
   */
  callWaiting: z.boolean().default(false),
  /** direct: the caller's audio goes to the desk that answers; anchored: through the team's Janus (RELAY_JANUS_URLS). */
  media: z.enum(['direct', 'anchored']).default('direct'),
  /** Calls to these phone number IDs come here. */
  phoneNumberIds: z.array(z.string().regex(/^\d{1,30}$/)).default([]),
  /** Calls started from a call button or deep link with one of these payloads come here (cta_payload). */
  payloads: z.array(z.string().min(1).max(512)).default([]),
  /** Agent -> skill level (1 to 10, higher answers first); "*" lets every agent of the team serve at level 1. */
  agents: z.union([z.literal('*'), z.record(AgentId, memberLevel)]),
  /** A bot answers the queue's calls first and hands them to agents when it escalates (anchored media only). */
  bot: QueueBot.optional(),
  /** Bots an agent may hand a call of this queue back to, besides the queue's own (anchored media only). */
  handBack: z.array(HandBackBot).max(10).default([]),
  /** After an answered call the customer is asked to rate it (1-5) on WhatsApp, within the 24-hour window. */
  survey: QueueSurvey.optional(),
  /** When the queue takes calls (time zone, weekly periods, holidays) and what it does with calls outside them. */
  hours: QueueHours.optional(),
  /** How long a caller may wait for an agent before the call is turned away. */
  maxWait: QueueMaxWait.optional(),
});
export type QueueConfig = z.infer<typeof QueueConfig>;

/** The operator's queues file (RELAY_QUEUES_FILE). */
export const TeamQueues = z
  .object({
    queues: z.array(QueueConfig).min(1).max(200),
    /** Where calls go that no number or payload sends elsewhere. */
    defaultQueue: QueueId,
    /** A customer calling again within this many minutes rings first at the agent who last spoke to them (0: off). */
    repeatCallerMinutes: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60)
      .default(60),
  })
  .superRefine((config, ctx) => {
    const ids = new Set<string>();
    for (const [i, queue] of config.queues.entries()) {
      if (ids.has(queue.id))
        ctx.addIssue({ code: 'custom', path: ['queues', i, 'id'], ...ruleIssue('queueTwice', { id: queue.id }) });
      ids.add(queue.id);
    }
    if (!ids.has(config.defaultQueue))
      ctx.addIssue({
        code: 'custom',
        path: ['defaultQueue'],
        ...ruleIssue('noDefaultQueue', { queue: config.defaultQueue }),
      });
    for (const [i, queue] of config.queues.entries()) {
      if (queue.bot && queue.media !== 'anchored')
        ctx.addIssue({
          code: 'custom',
          path: ['queues', i, 'bot'],
          message: 'a bot joins the call on the media server: set "media": "anchored"',
        });
      if (queue.handBack.length > 0 && queue.media !== 'anchored')
        ctx.addIssue({
          code: 'custom',
          path: ['queues', i, 'handBack'],
          message: 'a bot joins the call on the media server: set "media": "anchored"',
        });
      const botIds = queue.handBack.map((b) => b.id);
      if (new Set(botIds).size !== botIds.length)
        ctx.addIssue({ code: 'custom', path: ['queues', i, 'handBack'], message: 'a hand-back bot id twice' });
      // A queue nobody serves and that sends its calls nowhere keeps them waiting beside free agents.
      if (queue.agents !== '*' && Object.keys(queue.agents).length === 0 && !queue.fallback)
        ctx.addIssue({ code: 'custom', path: ['queues', i, 'agents'], ...ruleIssue('membersOrFallback', {}) });
      if (queue.fallback && (!ids.has(queue.fallback) || queue.fallback === queue.id))
        ctx.addIssue({
          code: 'custom',
          path: ['queues', i, 'fallback'],
          ...ruleIssue('fallbackNotOther', { fallback: queue.fallback }),
        });
    }
  });
export type TeamQueues = z.infer<typeof TeamQueues>;
export type TeamQueuesInput = z.input<typeof TeamQueues>;

/** The queue a call belongs to: its button's payload first, then the number it called, then the default. */
export function queueForCall(config: TeamQueues, call: { phoneNumberId?: string; ctaPayload?: string }): QueueConfig {
  const byPayload =
    call.ctaPayload !== undefined ? config.queues.find((q) => q.payloads.includes(call.ctaPayload!)) : undefined;
  const byNumber =
    call.phoneNumberId !== undefined
      ? config.queues.find((q) => q.phoneNumberIds.includes(call.phoneNumberId!))
      : undefined;
  return byPayload ?? byNumber ?? config.queues.find((q) => q.id === config.defaultQueue)!;
}

/** An agent's level in a queue, or undefined when they do not serve it. */
export function skillLevel(queue: QueueConfig, agentId: string): number | undefined {
  if (queue.agents === '*') return 1;
  return Object.hasOwn(queue.agents, agentId) ? queue.agents[agentId] : undefined;
}

/** The names of the queues the agent serves (a member at any level, or all agents): none, no queue's call rings them. */
export function queueNamesOf(config: TeamQueues, agentId: string): string[] {
  return config.queues.filter((q) => skillLevel(q, agentId) !== undefined).map((q) => q.name);
}

/**
 * Whether a call may ring at this agent while they are on another call: some queue they serve, directly or as its
 * fallback, allows call waiting. Without queues the relay never rings an agent who is on a call.
 */
export function callWaitingFor(config: TeamQueues | undefined, agentId: string): boolean {
  const serves = (id: string | undefined) => {
    const queue = config?.queues.find((q) => q.id === id);
    return queue !== undefined && skillLevel(queue, agentId) !== undefined;
  };
  return (config?.queues ?? []).some((q) => q.callWaiting && (serves(q.id) || serves(q.fallback)));
}

/** The bots an agent may hand a call of this queue to: the queue's own first, then the named hand-back bots. */
export function handBackBots(queue: QueueConfig): Array<HandBackBot> {
  return [...(queue.bot ? [{ ...queue.bot, id: QUEUE_BOT_ID }] : []), ...queue.handBack];
}

/** Why a queue turned a call away: it was closed (hours or a holiday), or the caller waited past its maximum. */
export const TurnedAwayReason = z.enum(['closed', 'max_wait']);
export type TurnedAwayReason = z.infer<typeof TurnedAwayReason>;
