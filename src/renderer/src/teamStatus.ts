import type { AppStatus } from '../../shared/ipcContract';
import type { Activity, AgentStateName } from '../../shared/teamState';

/** The agent's state as the top bar shows it: the relay's, and since when by the relay's clock. */
export interface ShownTeamState {
  state: AgentStateName;
  reason?: string;
  sinceMs: number;
}

/**
 * The relay's state for the top bar. The desk holds an agent for their wrap-up by asking the relay for Busy, so a
 * not-ready state while the desk's wrap-up is open is after-call work, counted from when the relay began it.
 */
export function shownTeamState(status: AppStatus | undefined): ShownTeamState | undefined {
  const team = status?.team;
  if (!team) return undefined;
  if (team.state === 'not_ready' && status.wrapUp) return { state: 'after_call_work', sinceMs: team.sinceMs };
  return { state: team.state, ...(team.reason !== undefined && { reason: team.reason }), sinceMs: team.sinceMs };
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
