import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { surveyAnswer, surveyMessage } from '../../shared/callSurvey';
import { errorText } from '../../shared/errorText';
import type { QueueConfig } from '../../shared/teamQueues';
import type { GraphClient } from '../../whatsapp/graphClient';
import type { Logger } from '../../whatsapp/logger';
import type { CallRecorder } from '../records/callRecorder';

/** WhatsApp's customer service window: free-form messages only within 24 hours of the customer's last contact. */
const SERVICE_WINDOW_MS = 24 * 3600_000;
/** How long an answer to a survey is taken (a list stays tappable in the chat). */
const KEEP_S = 7 * 24 * 3600;

const Sent = z.object({ callId: z.string(), agentId: z.string(), customer: z.string() });

/**
 * The post-call survey: after an answered call of a queue with a `survey`, the customer gets a list message with the
 * ratings 1 to 5, within the 24-hour window the call opened. The rows name the survey by an unguessable id; the
 * customer's choice arrives on the `messages` webhook and is kept with the call record, for the agent who answered,
 * once. A reply naming no survey of ours, from another customer, or a second one, is dropped.
 */
export function createCallSurveys(deps: {
  redis: Redis;
  prefix: string;
  /** The queues in force now. */
  queues: () => QueueConfig[];
  graphFor: (callId: string) => Promise<GraphClient>;
  records?: Pick<CallRecorder, 'record'>;
  /** Tells the agent who took the call of its rating (their desk's History shows it). */
  tellAgent?: (agentId: string, callId: string, score: number) => Promise<void>;
  log: Logger;
  now?: () => number;
}) {
  const { redis, log } = deps;
  const now = deps.now ?? Date.now;
  const sentKey = (id: string) => `${deps.prefix}:survey:${id}`;
  const answeredKey = (id: string) => `${deps.prefix}:survey-answered:${id}`;
  return {
    /** The call ended: its customer is asked to rate it, if its queue asks and the window is still open. */
    async afterCall(call: {
      callId: string;
      queueId?: string;
      agentId?: string;
      customer: string;
      offeredAtMs?: number;
    }): Promise<boolean> {
      const survey = deps.queues().find((q) => q.id === call.queueId)?.survey;
      if (!survey || !call.agentId || !call.customer) return false;
      if (call.offeredAtMs === undefined || now() - call.offeredAtMs > SERVICE_WINDOW_MS) {
        log.info('no survey: the customer service window is closed', { callId: call.callId });
        return false;
      }
      const id = randomBytes(16).toString('base64url');
      const kept = { callId: call.callId, agentId: call.agentId, customer: call.customer };
      await redis.set(sentKey(id), JSON.stringify(kept), 'EX', KEEP_S);
      try {
        await (await deps.graphFor(call.callId)).sendList(surveyMessage(call.customer, survey, id));
      } catch (error) {
        await redis.del(sentKey(id));
        log.warn('post-call survey not sent', { callId: call.callId, error: errorText(error) });
        return false;
      }
      log.info('post-call survey sent', { callId: call.callId, queue: call.queueId });
      return true;
    },
    /** A customer chose a row of a list message: a rating of ours is kept once, for the call and its agent. */
    async answer(reply: { from: string; rowId: string; timestampMs: number }): Promise<boolean> {
      const chosen = surveyAnswer(reply.rowId);
      if (!chosen) return false;
      const raw = await redis.get(sentKey(chosen.surveyId));
      const sent = raw ? Sent.safeParse(JSON.parse(raw)) : undefined;
      if (!sent?.success || sent.data.customer !== reply.from) {
        log.warn('a survey answer for no survey of this customer: dropped', { survey: chosen.surveyId });
        return false;
      }
      if ((await redis.set(answeredKey(chosen.surveyId), String(chosen.score), 'EX', KEEP_S, 'NX')) !== 'OK')
        return false;
      deps.records?.record({
        kind: 'csat',
        callId: sent.data.callId,
        agentId: sent.data.agentId,
        score: chosen.score,
        atMs: reply.timestampMs,
      });
      log.info('the customer rated the call', { callId: sent.data.callId, score: chosen.score });
      await deps
        .tellAgent?.(sent.data.agentId, sent.data.callId, chosen.score)
        .catch((error: unknown) => log.warn('agent not told of the rating', { error: errorText(error) }));
      return true;
    },
  };
}
export type CallSurveys = ReturnType<typeof createCallSurveys>;
