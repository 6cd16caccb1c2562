import type { AppStatus } from '../../shared/ipcContract';
import type { Activity, AgentStateName } from '../../shared/teamState';

/** The agent's state as the top bar shows it: the relay's, and since when by the relay's clock. */
export interface ShownTeamState {
  state: AgentStateName;
  reason?: string;
  sinceMs: number;
}

/** The relay's state for the top bar: the relay holds after-call work itself, so its word stands. */
export function shownTeamState(status: AppStatus | undefined): ShownTeamState | undefined {
  const team = status?.team;
  if (!team) return undefined;
  return { state: team.state, ...(team.reason !== undefined && { reason: team.reason }), sinceMs: team.sinceMs };
}

/**
 * Whether calls hold off for the agent's wrap-up: in a team, only while the relay holds them in after-call work (an
 * operator may turn it off, and then calls ring during the wrap-up); alone, while the desk's wrap-up is open.
 */
export function heldForWrapUp(status: AppStatus | undefined): boolean {
  if (!status) return false;
  if (status.team) return status.team.state === 'after_call_work';
  return status.wrapUp !== undefined;
}

/** States the top bar shows with their time. */
export const TIMED_STATES: ReadonlySet<AgentStateName> = new Set(['on_call', 'after_call_work', 'not_ready']);

/**
 * Team mode's status menu: Available and each of the team's not-ready reasons; its value is what the desk asked for.
 * A desk left Busy or Away without a reason (the tray, a supervisor) shows that, as the relay takes it for its reason.
 */
export function teamStatusMenu(status: AppStatus): { value: string; options: string[] } {
  const reasons = (status.relay?.notReadyReasons ?? []).filter((r) => r !== 'available');
  const asked = status.team?.chosenReason ?? status.preferences.status;
  const options = ['available', ...reasons];
  return { value: asked, options: options.includes(asked) ? options : [...options, asked] };
}

/** The request for a choice in the team status menu. */
export const activityOf = (value: string): Activity =>
  value === 'available' ? { kind: 'available' } : { kind: 'not_ready', reason: value };
