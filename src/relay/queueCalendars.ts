import type { TeamQueues } from '../shared/teamQueues';
import type { TeamSettings } from '../shared/teamSettings';

/**
 * The queues with the business hours and maximum waits an admin sets on the board (team settings): a queue the admin
 * named takes their hours and maximum wait (either absent: none); a queue they did not name keeps its own.
 */
export function withQueueCalendars(queues: TeamQueues, set: TeamSettings['queueHours']): TeamQueues {
  return {
    ...queues,
    queues: queues.queues.map((queue) => {
      const chosen = set?.[queue.id] ?? { hours: queue.hours, maxWait: queue.maxWait };
      return { ...queue, hours: chosen.hours, maxWait: chosen.maxWait };
    }),
  };
}
