import type { BoardSnapshot } from '../../shared/boardSchemas';
import { inScope, type SupervisorScope } from '../../shared/supervisorScope';
import type { DayCall } from './boardFigures';

/** Only the calls of the supervisor's queues, for figures and reports: the team line then sums those queues. */
export function callsInScope(
  read: { calls: DayCall[]; offersByAgent: Map<string, DayCall[]> },
  scope: SupervisorScope,
): { calls: DayCall[]; offersByAgent: Map<string, DayCall[]> } {
  if (!scope.queues) return read;
  const mine = (c: DayCall) => inScope(scope, c.queue);
  const offersByAgent = new Map<string, DayCall[]>();
  for (const [agent, calls] of read.offersByAgent) {
    const kept = calls.filter(mine);
    if (kept.length > 0) offersByAgent.set(agent, kept);
  }
  return { calls: read.calls.filter(mine), offersByAgent };
}

/** The agents who serve one of the supervisor's queues, each showing only those queues. */
export function agentsInScope(agents: BoardSnapshot['agents'], scope: SupervisorScope): BoardSnapshot['agents'] {
  if (!scope.queues) return agents;
  return agents
    .map((a) => ({ ...a, queues: a.queues.filter((q) => inScope(scope, q)) }))
    .filter((a) => a.queues.length > 0);
}

/** Distinct scopes as one key each, so supervisors who see the same queues share one snapshot. */
export const scopeKey = (scope: SupervisorScope): string => (scope.queues ? [...scope.queues].sort().join(',') : '*');
