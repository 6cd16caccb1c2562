import type { IdentityRoles, TeamRole } from '../../shared/identityRoles';
import { AGENT_ID } from '../../shared/agentId';

export type TeamIdentity =
  | { ok: true; name: string; role: TeamRole; queues?: string[] }
  | { ok: false; refusal: 'no_role' | 'bad_name'; detail: string };

const RANK: TeamRole[] = ['admin', 'supervisor', 'agent'];

/** The groups claim as a list of names, whatever shape the provider sends (a list, or one name). */
function groupsOf(claims: Record<string, unknown>, claim: string): string[] {
  const value = claims[claim];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** Who this person is on the team, from the provider's claims: their name, highest role, and queues. */
export function teamIdentity(claims: Record<string, unknown>, config: IdentityRoles): TeamIdentity {
  const groups = groupsOf(claims, config.groupsClaim);
  const role = RANK.find((r) => config.roles[r].some((g) => groups.includes(g)));
  if (!role) return { ok: false, refusal: 'no_role', detail: `groups ${JSON.stringify(groups)} give no role` };
  const name = claims[config.nameClaim];
  if (typeof name !== 'string' || !AGENT_ID.test(name))
    return { ok: false, refusal: 'bad_name', detail: `${config.nameClaim} ${JSON.stringify(name)} is not a team name` };
  if (role === 'admin') return { ok: true, name, role };
  const queues = [...new Set(groups.flatMap((g) => config.queues[g] ?? []))].sort();
  return { ok: true, name, role, ...(queues.length > 0 && { queues }) };
}
