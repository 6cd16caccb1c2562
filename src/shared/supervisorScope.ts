import { z } from 'zod';
import { QueueId } from './teamQueues';

/** The queues a supervisor may see and listen to, as their token carries them: at least one, each once. */
export const SupervisorQueues = z
  .array(QueueId)
  .min(1, 'name at least one queue')
  .max(200)
  .refine((ids) => new Set(ids).size === ids.length, 'a queue is named twice');

/**
 * The claims of a supervisor token besides who and when: a token without `queues` sees every queue; `role` is
 * `admin` for an administrator (absent: a supervisor); `sid` names the company sign-in it was issued under.
 */
export const SupervisorClaims = z.object({
  queues: SupervisorQueues.optional(),
  role: z.enum(['supervisor', 'admin']).optional(),
  sid: z.string().max(64).optional(),
});

/** What a supervisor may see: `queues` undefined is the whole team. */
export interface SupervisorScope {
  queues?: readonly string[];
}

/** A call (or figure) of this queue is the supervisor's to see; calls without a queue only for the whole team. */
export function inScope(scope: SupervisorScope, queue: string | undefined | null): boolean {
  if (!scope.queues) return true;
  return typeof queue === 'string' && scope.queues.includes(queue);
}
