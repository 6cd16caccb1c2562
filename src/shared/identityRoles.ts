import { z } from 'zod';
import { QueueId } from './teamQueues';

/** What a person may do on the team: answer calls, watch and coach the floor, or also read the audit trail. */
export const TeamRole = z.enum(['agent', 'supervisor', 'admin']);
export type TeamRole = z.infer<typeof TeamRole>;

const GroupNames = z.array(z.string().min(1).max(256)).max(100);

/**
 * How the company's identity provider's groups become team roles and queues (RELAY_OIDC_ROLES). A person's
 * highest role among their groups wins; their queues are those of every group they are in that names queues
 * (none named: every queue).
 */
export const IdentityRoles = z.object({
  /** The ID token (or userinfo) claim that lists the person's groups. */
  groupsClaim: z.string().min(1).max(100).default('groups'),
  /** The claim whose value is the person's name on the team (an agent id: letters, digits, - or _). */
  nameClaim: z.string().min(1).max(100).default('preferred_username'),
  roles: z
    .object({ agent: GroupNames.default([]), supervisor: GroupNames.default([]), admin: GroupNames.default([]) })
    .refine((r) => r.agent.length + r.supervisor.length + r.admin.length > 0, 'name at least one group for a role'),
  queues: z.record(z.string().min(1).max(256), z.array(QueueId).min(1)).default({}),
});
export type IdentityRoles = z.infer<typeof IdentityRoles>;
