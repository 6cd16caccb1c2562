import type { BoardSnapshot } from '../shared/boardSchemas';
import { say } from './i18n';

/** The team's default words (not-ready reasons, outcome codes) in the board's language; the operator's own as they are. */
export const known = (section: string, word: string): string => say(`${section}.${word}`, { defaultValue: word });

/**
 * An agent's state as a supervisor reads it, in the desk's words: a callback they hold is said as such, not as a
 * ringing call, and an agent on a call they hold (`onHold`) is on hold.
 */
export function stateLabel(
  agent: Pick<BoardSnapshot['agents'][number], 'state' | 'reason' | 'holdingCallback'> & { onHold?: boolean },
): string {
  if (agent.state === 'not_ready' && agent.reason)
    return say('state.notReadyWhy', { reason: known('reason', agent.reason) });
  if (agent.state === 'reserved' && agent.holdingCallback) return say('state.holdingCallback');
  if (agent.state === 'on_call' && agent.onHold) return say('state.on_hold');
  return say(`state.${agent.state}`);
}
