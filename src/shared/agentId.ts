import { z } from 'zod';
import { SETTINGS_RULES } from './settingsRules';

/** What names an agent (or a supervisor) on the team: the subject of their tokens, a queue's member, a sign-in name. */
export const AGENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** An agent's id where an admin types one (a queue's member): refused by the rule's id when it could never sign in. */
export const AgentId = z.string().regex(AGENT_ID, SETTINGS_RULES.agentId);
