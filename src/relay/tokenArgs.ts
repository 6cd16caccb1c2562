import { SupervisorQueues } from '../shared/supervisorScope';
import type { TeamQueues } from '../shared/teamQueues';

export const TOKEN_USAGE =
  'usage: RELAY_AGENT_SECRET=… npm run relay -- token <agent-id> | token --supervisor <name> [--queues a,b] | token --admin <name>';

export interface TokenArgs {
  supervisor: boolean;
  /** An admin's board token: every queue, and the audit trail. */
  admin?: boolean;
  name: string;
  /** The supervisor's queues; absent: every queue. */
  queues?: string[];
}

/** The words after `token`: `[--supervisor] <id> [--queues a,b]`, in any order; throws naming the mistake. */
export function parseTokenArgs(words: string[]): TokenArgs {
  let supervisor = false;
  let admin = false;
  let name: string | undefined;
  let queues: string[] | undefined;
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!;
    if (word === '--supervisor') supervisor = true;
    else if (word === '--admin') admin = true;
    else if (word === '--queues') queues = (words[++i] ?? '').split(',').map((q) => q.trim());
    else if (word.startsWith('--') || name) throw new Error(TOKEN_USAGE);
    else name = word;
  }
  if (!name) throw new Error(TOKEN_USAGE);
  if (admin) {
    if (queues || supervisor) throw new Error('--admin sees every queue: use it alone with a name.');
    return { supervisor: true, admin: true, name };
  }
  if (queues && !supervisor) throw new Error('--queues limits a supervisor’s board: use it with --supervisor.');
  if (!queues) return { supervisor, name };
  const checked = SupervisorQueues.safeParse(queues);
  if (!checked.success) throw new Error(`--queues: ${checked.error.issues.map((i) => i.message).join('; ')}`);
  return { supervisor, name, queues: checked.data };
}

/** Queues named on the command line that the team's queues file does not have. */
export function unknownQueues(queues: string[] | undefined, team: TeamQueues | undefined): string[] {
  if (!queues || !team) return [];
  return queues.filter((q) => !team.queues.some((known) => known.id === q));
}
