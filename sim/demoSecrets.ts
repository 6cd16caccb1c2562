import { randomBytes } from 'node:crypto';
import { SIM_SECRETS } from './phoneWithSim';

/**
 * The secrets of one demo run, drawn anew each time: a token the demo prints (or revokes) means nothing to the next
 * run, as README promises the demo keeps nothing. The business number's id is no secret and stays the simulator's.
 */
export function freshDemoSecrets() {
  const hex = (bytes: number) => randomBytes(bytes).toString('hex');
  return {
    accessToken: `EAAG${hex(24)}`,
    appSecret: hex(16),
    verifyToken: hex(12),
    phoneNumberId: SIM_SECRETS.phoneNumberId,
    /** Signs the agents', supervisors' and admins' tokens (its key id changes with it). */
    agentSecret: hex(24),
    /** The demo bots' bearer tokens on the relay's bot API. */
    frontBotToken: hex(20),
    surveyBotToken: hex(20),
  };
}
export type DemoSecrets = ReturnType<typeof freshDemoSecrets>;
