import type { TeamQueues } from '../shared/teamQueues';
import type { TeamSettings } from '../shared/teamSettings';

/**
 * The queues' business hours and maximum waits as an admin sets them on the board (team settings), applied to the
 * queues every part of the relay reads, without a restart. A queue the admin named takes their hours and maximum
 * wait (either absent: none); a queue they did not name keeps what the queues file says.
 */
export function createQueueCalendars(queues: TeamQueues | undefined) {
  const fromFile = new Map((queues?.queues ?? []).map((q) => [q.id, { hours: q.hours, maxWait: q.maxWait }]));
  return function apply(set: TeamSettings['queueHours']): void {
    for (const queue of queues?.queues ?? []) {
      const chosen = set?.[queue.id] ?? fromFile.get(queue.id);
      queue.hours = chosen?.hours;
      queue.maxWait = chosen?.maxWait;
    }
  };
}
