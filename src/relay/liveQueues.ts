import { withLayout, type QueuesLayout } from '../shared/queueSettings';
import { settingsRefusal, type SettingsRefusal } from '../shared/settingsRules';
import type { TeamQueues } from '../shared/teamQueues';
import type { TeamSettings } from '../shared/teamSettings';
import { withQueueCalendars } from './queueCalendars';

/**
 * The team's queues in force, the one copy every part of the relay asks (nothing keeps its own from the start): the
 * queues file, with the layout an admin saved on the board (members, levels, ringing) and the business hours and
 * maximum waits set in the team settings, each applied within seconds of a change, without a restart.
 */
export function createLiveQueues(file: TeamQueues | undefined) {
  let layout: QueuesLayout | undefined;
  let hours: TeamSettings['queueHours'];
  let current = file;

  /** The queues with `next` laid out; an error names why the file and that layout do not fit together. */
  function build(next: QueuesLayout | undefined): TeamQueues | Required<SettingsRefusal> | undefined {
    if (!file) return undefined;
    if (!next) return withQueueCalendars(file, hours);
    const merged = withLayout(file, next);
    if (!merged.success) return settingsRefusal(merged.error.issues);
    return withQueueCalendars(merged.data, hours);
  }

  return {
    current: (): TeamQueues | undefined => current,
    /** Whether the relay runs with queues at all (RELAY_QUEUES_FILE). */
    enabled: (): boolean => file !== undefined,
    /** What `layout` would make of the queues, without applying it: the admin's save is checked this way first. */
    check: (next: QueuesLayout) => build(next),
    /** An admin's layout applies; returns the queues in force before, or the problems when it does not fit. */
    applyLayout(next: QueuesLayout): { before: TeamQueues | undefined } | Required<SettingsRefusal> {
      const built = build(next);
      if (built && 'problems' in built) return built;
      const before = current;
      layout = next;
      current = built;
      return { before };
    },
    /** The team settings' hours per queue apply (undefined: the file's for every queue). */
    applyHours(set: TeamSettings['queueHours']): void {
      hours = set;
      const built = build(layout);
      if (built && !('problems' in built)) current = built;
    },
  };
}
export type LiveQueues = ReturnType<typeof createLiveQueues>;
