import { ENGAGED_PHASES } from '../../shared/callMachine';
import type { AppStatus, CallView } from '../../shared/ipcContract';
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

/**
 * Whether saving the last wrap-up is what lets calls ring again ("Save and take calls"): only while calls hold off
 * for it and the agent chose Available. Not once the relay's after-call limit made them Available (calls ring
 * already), nor when they are not ready (saving leaves them not ready).
 */
export function saveTakesCalls(status: AppStatus | undefined): boolean {
  if (!heldForWrapUp(status)) return false;
  const chosen = status!.team?.chosenReason ?? status!.preferences.status;
  return chosen === 'available';
}

/**
 * Away chosen (by the agent or a supervisor) while calls hold off for a wrap-up: it applies once the wrap-up is saved,
 * so the desk says so, with the team's reason when there is one. Undefined when saving would not leave them away.
 */
export function awayAfterWrapUp(status: AppStatus | undefined): { reason?: string } | undefined {
  if (!heldForWrapUp(status) || status!.preferences.status !== 'away') return undefined;
  const reason = status!.team?.chosenReason;
  return reason !== undefined ? { reason } : {};
}

/**
 * Whether a new call would show beside the `engaged` calls as call waiting: alone, always; in a team, only when a
 * queue of the agent's allows it (the relay said so) and they are on one call (the relay never rings one on two).
 */
export function callWaitingHere(status: AppStatus, engaged: number): boolean {
  if (status.mode !== 'relay') return true;
  return status.relay?.callWaiting === true && engaged === 1;
}

/**
 * The states the top bar names: the relay's, On hold, which only the desk knows (the relay counts it on call), and
 * Holding a callback, the relay's reserved for a queue's callback rather than a ringing call.
 */
export type ShownStateName = AgentStateName | 'on_hold' | 'holding_callback';

/** The agent's state at the top, with its reason and since when. */
export interface ShownAgentState {
  state: ShownStateName;
  reason?: string;
  sinceMs: number;
}

/** States the top bar shows with their time. */
export const TIMED_STATES: ReadonlySet<ShownStateName> = new Set([
  'on_call',
  'on_hold',
  'after_call_work',
  'not_ready',
]);

/**
 * The agent's state for the top bar. In a team, the relay's (its clock, its after-call work), except that a call
 * the agent holds shows as On hold; alone, the desk's own, from its calls, its wrap-up and the status it chose
 * (`statusSinceMs`: when that choice last changed).
 */
export function shownAgentState(
  status: AppStatus | undefined,
  calls: readonly CallView[],
  statusSinceMs: number,
): ShownAgentState | undefined {
  if (!status) return undefined;
  const live = calls.filter((c) => ENGAGED_PHASES.includes(c.phase));
  const talking = live.find((c) => c.heldSinceMs === undefined);
  const held = live.find((c) => c.heldSinceMs !== undefined);
  const onHold = !talking && held ? { state: 'on_hold' as const, sinceMs: held.heldSinceMs! } : undefined;
  if (status.mode === 'relay') {
    const team = shownTeamState(status);
    if (team?.state === 'reserved' && status.team?.holdingCallback) return { ...team, state: 'holding_callback' };
    if (team?.state !== 'on_call') return team;
    // The relay's On call can outlive the desk's call (the relay restarted mid-call and the call failed here): no
    // clock counts a call the desk no longer has.
    if (!calls.some((c) => c.phase !== 'ended')) return undefined;
    if (onHold) return onHold;
    // One caller held to answer another: the relay's On call began with the held call; the time is the live one's.
    if (talking?.answeredAtMs !== undefined && held) return { ...team, sinceMs: talking.answeredAtMs };
    return team;
  }
  if (talking) return { state: 'on_call', sinceMs: talking.answeredAtMs ?? talking.offeredAtMs };
  if (onHold) return onHold;
  const ringing = calls.filter((c) => (c.phase === 'ringing' || c.phase === 'answering') && !c.silent);
  if (ringing.length > 0) return { state: 'reserved', sinceMs: Math.min(...ringing.map((c) => c.offeredAtMs)) };
  const wrapUps = status.wrapUp?.calls ?? [];
  if (wrapUps.length > 0) return { state: 'after_call_work', sinceMs: Math.min(...wrapUps.map((w) => w.sinceMs)) };
  const chosen = status.preferences.status;
  if (chosen !== 'available') return { state: 'not_ready', reason: chosen, sinceMs: statusSinceMs };
  return { state: 'available', sinceMs: statusSinceMs };
}

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
