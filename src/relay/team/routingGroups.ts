import { skillLevel, type QueueConfig, type TeamQueues } from '../../shared/teamQueues';

/** A queue at one skill level: routing reads each group's idle agents in order, never the whole floor. */
export const routingGroup = (queueId: string, level: number) => `${queueId}:${level}`;

/** The groups of every queue an agent serves, at their level there. */
export function routingGroups(queues: TeamQueues | undefined): (agentId: string) => string[] {
  return (agentId) =>
    (queues?.queues ?? []).flatMap((queue) => {
      const level = skillLevel(queue, agentId);
      return level === undefined ? [] : [routingGroup(queue.id, level)];
    });
}

/** Every group of these queues, most skilled first. */
export function groupsOfQueues(queues: QueueConfig[]): string[] {
  return queues.flatMap((queue) => Array.from({ length: 10 }, (_, i) => routingGroup(queue.id, 10 - i)));
}
