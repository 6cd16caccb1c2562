import type { Redis } from 'ioredis';
import { deploymentKeyPrefix } from './relayKeys';

/**
 * Keys that relays before the hash tag wrote under the deployment's bare name (`wa-relay:…` where they are now
 * `{wa-relay}:…`): ringing calls, agents' states, revoked tokens. The relay does not read them, so it refuses to start
 * beside them rather than lose them, and `npm run relay -- move-keys` renames them.
 */

const SCAN_COUNT = 1000;

const untaggedPattern = (deployment: string) => `${deployment.replace(/[*?[\]\\]/g, '\\$&')}:*`;

/** What the operator reads when the relay refuses to start beside the old keys. */
export const untaggedKeysProblem = (deployment: string) =>
  `Redis holds this team's state under the old key names (${deployment}:…), which this version of the relay no ` +
  `longer reads. Stop every relay instance of the team, run \`RELAY_PREFIX=${deployment} npm run relay -- move-keys\` ` +
  `once with the same Redis settings, then start the relays again.`;

/** Whether Redis holds any key of the deployment under its untagged name. */
export async function hasUntaggedKeys(redis: Redis, deployment: string): Promise<boolean> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', untaggedPattern(deployment), 'COUNT', SCAN_COUNT);
    if (found.length > 0) return true;
    cursor = next;
  } while (cursor !== '0');
  return false;
}

/**
 * Renames every untagged key of the deployment to its tagged name (value, type and expiry kept). A key whose new name
 * is already taken is left where it is and named in `kept`.
 */
export async function moveUntaggedKeys(redis: Redis, deployment: string): Promise<{ moved: number; kept: string[] }> {
  const tagged = deploymentKeyPrefix(deployment);
  const kept: string[] = [];
  let moved = 0;
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', untaggedPattern(deployment), 'COUNT', SCAN_COUNT);
    for (const key of found) {
      // A key that expired since the scan has nothing left to move.
      const renamed = await redis.renamenx(key, tagged + key.slice(deployment.length)).catch((error: Error) => {
        if (/no such key/i.test(error.message)) return -1;
        throw error;
      });
      if (renamed === 1) moved += 1;
      else if (renamed === 0) kept.push(key);
    }
    cursor = next;
  } while (cursor !== '0');
  return { moved, kept };
}
