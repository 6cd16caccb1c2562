import type { Redis } from 'ioredis';
import { keepAlert, ReceivedAccountAlert } from '../shared/accountAlerts';

const KEPT = 200;

/**
 * WhatsApp's alerts about the team's numbers (restrictions, warnings, errors about no one call), kept in Redis so
 * every relay instance's board shows the same list; the newest of each subject, expired restrictions left out.
 */
export function createAccountAlertStore(redis: Redis, prefix: string) {
  const key = `${prefix}:account-alerts`;
  return {
    async add(received: ReceivedAccountAlert): Promise<void> {
      await redis
        .multi()
        .lpush(key, JSON.stringify(received))
        .ltrim(key, 0, KEPT - 1)
        .exec();
    },
    async list(nowMs = Date.now()): Promise<ReceivedAccountAlert[]> {
      const raw = await redis.lrange(key, 0, KEPT - 1);
      const parsed = raw.flatMap((text) => {
        try {
          const alert = ReceivedAccountAlert.safeParse(JSON.parse(text));
          return alert.success ? [alert.data] : [];
        } catch {
          return [];
        }
      });
      return keepAlert(parsed, undefined, nowMs);
    },
  };
}
export type AccountAlertStore = ReturnType<typeof createAccountAlertStore>;
