import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RelayAction } from '../shared/relayProtocol';
import { RelayRefusal } from './callRequests';
import type { RelayRefusalKey } from '../shared/relayRefusals';

export interface RelayLimitSettings {
  /** Requests of any kind one agent may send per minute. */
  perAgentPerMinute: number;
  /** Permission requests (WhatsApp messages to customers) one agent may send per hour. */
  permissionRequestsPerAgentPerHour: number;
  /** Permission requests to one customer per day, across the team (WhatsApp itself allows one a day). */
  permissionRequestsPerCustomerPerDay: number;
}

export const DEFAULT_LIMITS: RelayLimitSettings = {
  perAgentPerMinute: 120,
  permissionRequestsPerAgentPerHour: 20,
  permissionRequestsPerCustomerPerDay: 1,
};

/** Whole minutes to wait, at least one: what the refusal tells the agent. */
function minutesToWait(res: unknown): number {
  const ms = res instanceof RateLimiterRes ? res.msBeforeNext : 60_000;
  return Math.max(1, Math.ceil(ms / 60_000));
}

/**
 * Limits kept in Redis, so they hold whichever relay instance an agent (or an attacker with an agent's
 * token) talks to. A refusal says how long to wait.
 */
export function createRelayLimits(redis: Redis, prefix: string, settings: RelayLimitSettings = DEFAULT_LIMITS) {
  const limiter = (name: string, points: number, duration: number) =>
    new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:limit:${name}`, points, duration });
  const perAgent = limiter('agent', settings.perAgentPerMinute, 60);
  const permissionPerAgent = limiter('perm-agent', settings.permissionRequestsPerAgentPerHour, 3600);
  const permissionPerCustomer = limiter('perm-customer', settings.permissionRequestsPerCustomerPerDay, 86_400);

  async function take(limit: RateLimiterRedis, key: string, refusal: RelayRefusalKey): Promise<void> {
    try {
      await limit.consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw new RelayRefusal(refusal, { count: minutesToWait(error) });
      throw error;
    }
  }

  return {
    /** Counts one request from an agent; refuses it when the agent is over their limit. */
    async request(agentId: string, action: RelayAction): Promise<void> {
      await take(perAgent, agentId, 'relayTooManyRequests');
      if (action !== 'request_permission') return;
      await take(permissionPerAgent, agentId, 'relayPermissionLimit');
    },
    /** Counts one permission request to a customer, whoever sends it. */
    async permissionRequest(customer: string): Promise<void> {
      await take(permissionPerCustomer, customer, 'relayCustomerAsked');
    },
  };
}
export type RelayLimits = ReturnType<typeof createRelayLimits>;
