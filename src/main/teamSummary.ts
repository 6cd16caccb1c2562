import type { CustomerSummary } from '../shared/historySchemas';
import type { CallTransport } from './transport/callTransport';

/** How long the ringing card waits for the team's records before showing only this desk's history. */
const TEAM_HISTORY_WAIT_MS = 1500;

/** The customer's earlier calls with the whole team (team relay with call records), apart from this call. */
export async function teamSummary(
  transport: CallTransport | undefined,
  customer: string,
  exceptCallId: string,
): Promise<CustomerSummary['team']> {
  if (!transport?.teamCalls) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const calls = await Promise.race([
    transport.teamCalls(customer, exceptCallId),
    new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), TEAM_HISTORY_WAIT_MS))),
  ]).finally(() => clearTimeout(timer));
  if (!calls) return undefined;
  const earlier = calls.filter((c) => c.callId !== exceptCallId).sort((a, b) => b.offeredAtMs - a.offeredAtMs);
  const last = earlier[0];
  return {
    earlierCalls: earlier.length,
    last: last && { atMs: last.offeredAtMs, agent: last.answeredBy, outcome: last.outcome, notes: last.notes },
  };
}
