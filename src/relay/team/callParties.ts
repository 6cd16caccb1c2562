import type { CallRecord, ReservationPurpose } from '../../shared/teamState';
import { ownerOf, pendingFor } from './teamModel';

/** Views of one call's parties and rings, as the team model keeps them: what the relay's handlers ask of a call. */

/** Every agent on the call, the one who holds it first. */
export function agentsOn(call: CallRecord | undefined): string[] {
  if (!call) return [];
  const owner = ownerOf(call)?.kind === 'agent' ? ownerOf(call) : undefined;
  const others = call.parties.filter((p) => p.kind === 'agent' && p !== owner).map((p) => p.id);
  return [...(owner ? [owner.id] : []), ...others];
}

/** Colleagues on the call besides the agent who holds it (a conference or a consult). */
export function colleaguesOn(call: CallRecord | undefined): string[] {
  return agentsOn(call).filter((id) => id !== (call && ownerOf(call)?.id));
}

/** A colleague's ring pending at this agent (a transfer, consult or conference), with who asked for it. */
export function colleagueRingFor(
  call: CallRecord | undefined,
  agentId: string,
): { purpose: Exclude<ReservationPurpose, 'answer'>; by: string } | undefined {
  const ring = call && pendingFor(call, agentId);
  if (!ring || ring.purpose === 'answer' || ring.by === undefined) return undefined;
  return { purpose: ring.purpose, by: ring.by };
}
