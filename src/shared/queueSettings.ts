import { z } from 'zod';
import { SETTINGS_RULES } from './settingsRules';
import { QueueConfig, TeamQueues } from './teamQueues';

/**
 * What an admin edits of one queue on the board: its name, members and their levels, how it rings, when it
 * overflows and to which queue, and call waiting. The rest of a queue (numbers, payloads, media, bots, survey) is
 * the queues file's, read at start, since it needs the media server and bots set up with it.
 */
export const QueueLayout = QueueConfig.pick({
  id: true,
  name: true,
  routing: true,
  ringSeconds: true,
  overflowSeconds: true,
  fallback: true,
  callWaiting: true,
  agents: true,
});
export type QueueLayout = z.infer<typeof QueueLayout>;

/** The team's queues as an admin lays them out: which queues there are, in order, and the editable part of each. */
export const QueuesLayout = z.object({ queues: z.array(QueueLayout).min(1, SETTINGS_RULES.keepOneQueue).max(200) });
export type QueuesLayout = z.infer<typeof QueuesLayout>;

/** An admin's save: the whole layout, and the version they were looking at (0: the queues file's, none saved). */
export const QueuesChange = QueuesLayout.extend({ basedOn: z.number().int().min(0) });
export type QueuesChange = z.infer<typeof QueuesChange>;

/** The editable part of each queue in force. */
export function layoutOf(queues: TeamQueues): QueuesLayout {
  return { queues: queues.queues.map((q) => QueueLayout.parse(q)) };
}

/**
 * The queues file with an admin's layout: the layout's queues in its order, each keeping the file's numbers, media,
 * bots and survey when the file has it (a queue new on the board takes the defaults). Checked whole, as the file is.
 */
export function withLayout(file: TeamQueues, layout: QueuesLayout) {
  return TeamQueues.safeParse({
    ...file,
    queues: layout.queues.map((queue) => {
      const fromFile = file.queues.find((q) => q.id === queue.id);
      const kept: Partial<QueueConfig> = { ...fromFile };
      // Unset in the layout when the admin removed it: not kept from the file.
      delete kept.fallback;
      return { ...kept, ...queue };
    }),
  });
}

const membersText = (agents: QueueLayout['agents']) =>
  agents === '*'
    ? 'everyone'
    : Object.entries(agents)
        .map(([id, level]) => `${id} ${level}`)
        .join(', ');

/** What a save changed, for the audit trail: `support: +ben 3, -asha, ringSeconds 15 -> 20; billing added`. */
export function layoutChange(before: QueuesLayout, after: QueuesLayout): string {
  const changes: string[] = [];
  for (const queue of after.queues) {
    const was = before.queues.find((q) => q.id === queue.id);
    if (!was) {
      changes.push(`${queue.id} added (${membersText(queue.agents)})`);
      continue;
    }
    const parts: string[] = [];
    if (queue.agents === '*' || was.agents === '*') {
      if (membersText(queue.agents) !== membersText(was.agents))
        parts.push(`members ${membersText(was.agents)} -> ${membersText(queue.agents)}`);
    } else {
      const [now, then] = [queue.agents, was.agents];
      for (const [id, level] of Object.entries(now))
        if (!Object.hasOwn(then, id)) parts.push(`+${id} ${level}`);
        else if (then[id] !== level) parts.push(`${id} ${then[id]} -> ${level}`);
      for (const id of Object.keys(then)) if (!Object.hasOwn(now, id)) parts.push(`-${id}`);
    }
    for (const field of ['name', 'routing', 'ringSeconds', 'overflowSeconds', 'fallback', 'callWaiting'] as const)
      if (queue[field] !== was[field])
        parts.push(`${field} ${String(was[field] ?? '-')} -> ${String(queue[field] ?? '-')}`);
    if (parts.length > 0) changes.push(`${queue.id}: ${parts.join(', ')}`);
  }
  for (const was of before.queues) if (!after.queues.some((q) => q.id === was.id)) changes.push(`${was.id} removed`);
  return changes.join('; ') || 'nothing changed';
}
