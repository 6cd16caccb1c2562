import type { BoardSnapshot } from '../shared/boardSchemas';
import { say } from './i18n';

/** The team's default words (not-ready reasons, outcome codes) in the board's language; the operator's own as they are. */
export const known = (section: string, word: string): string => say(`${section}.${word}`, { defaultValue: word });

/**
 * An agent's state as a supervisor reads it, in the desk's words: a callback they hold is said as such, not as a
 * ringing call, and an agent on a call they hold (`onHold`) is on hold.
 */
export function stateLabel(
  agent: Pick<BoardSnapshot['agents'][number], 'state' | 'reason' | 'holdingCallback' | 'chosen' | 'chosenReason'> & {
    onHold?: boolean;
  },
): string {
  const now = stateNow(agent);
  const pending = pendingChange(agent);
  return pending ? `${now} · ${pending}` : now;
}

/** A not-ready choice made while ringing, on a call or in after-call work: it applies once they are done. */
function pendingChange(agent: Pick<BoardSnapshot['agents'][number], 'state' | 'chosen' | 'chosenReason'>) {
  if (agent.chosen !== 'not_ready' || !['reserved', 'on_call', 'after_call_work'].includes(agent.state)) return;
  // A plain Away (no reason picked) needs no second "away".
  const reason = agent.chosenReason === 'away' ? undefined : agent.chosenReason;
  return reason ? say('state.awayAfterCallWhy', { reason: known('reason', reason) }) : say('state.awayAfterCall');
}

function stateNow(
  agent: Pick<BoardSnapshot['agents'][number], 'state' | 'reason' | 'holdingCallback'> & { onHold?: boolean },
): string {
  if (agent.state === 'not_ready' && agent.reason)
    return say('state.notReadyWhy', { reason: known('reason', agent.reason) });
  if (agent.state === 'reserved' && agent.holdingCallback) return say('state.holdingCallback');
  if (agent.state === 'on_call' && agent.onHold) return say('state.on_hold');
  return say(`state.${agent.state}`);
}

/**
 * Agents on hold, with when their hold began: those whose every call in progress is held (an agent who held one
 * caller to answer another is on a call). The time is the latest hold's start, or undefined when the relay did not
 * say (the board then shows the state's own time).
 */
export function agentsOnHold(
  inProgress: Pick<BoardSnapshot['inProgress'][number], 'agent' | 'held' | 'heldSinceMs'>[],
): Map<string, number | undefined> {
  const onHold = new Map<string, number | undefined>();
  const talking = new Set(inProgress.filter((c) => !c.held).map((c) => c.agent));
  for (const c of inProgress) {
    if (!c.held || talking.has(c.agent)) continue;
    const known = onHold.has(c.agent) ? onHold.get(c.agent) : c.heldSinceMs;
    onHold.set(
      c.agent,
      known === undefined || c.heldSinceMs === undefined ? undefined : Math.max(known, c.heldSinceMs),
    );
  }
  return onHold;
}

/**
 * The Set Away / Set Available button's hint while the agent is ringing, on a call or in after-call work: a pending
 * Away is withdrawn at once; any other change waits until they are done. Undefined when the change is immediate.
 */
export function setStatusHint(agent: Pick<BoardSnapshot['agents'][number], 'state' | 'chosen'>): string | undefined {
  if (agent.state === 'available' || agent.state === 'not_ready') return undefined;
  return agent.chosen === 'not_ready' ? say('row.withdrawAway') : say('row.afterTheCall');
}
