import type { Redis } from 'ioredis';
import type { Logger } from '../whatsapp/logger';
import { createDueSteps } from './dueSteps';

type RingOut = (callId: string, agentId: string) => Promise<void>;

/**
 * When each colleague's ring (transfer, consult, conference) runs out, kept in Redis: whichever relay instance is
 * alive ends it, so a ring outlives the instance that sent it.
 */
export function createColleagueRings(redis: Redis, key: string, log: Logger) {
  const steps = createDueSteps(redis, key, log, 'a colleague’s unanswered ring');
  const member = (callId: string, agentId: string) => JSON.stringify([callId, agentId]);

  return {
    /** The colleague's ring for this call runs out at `atMs` unless answered or declined first. */
    ring: (callId: string, agentId: string, atMs: number): Promise<void> => steps.at(member(callId, agentId), atMs),
    /** What ends a ring whose time is up (it checks the ring is still pending). */
    onRingOut(handler: RingOut): void {
      steps.onDue((ring) => {
        const [callId, agentId] = JSON.parse(ring) as [string, string];
        return handler(callId, agentId);
      });
    },
    start: steps.start,
    stop: steps.stop,
  };
}
export type ColleagueRings = ReturnType<typeof createColleagueRings>;
