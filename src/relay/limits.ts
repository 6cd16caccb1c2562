import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RelayAction } from '../shared/relayProtocol';
import { RelayRefusal } from './callRequests';

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

function waitText(res: unknown): string {
  const ms = res instanceof RateLimiterRes ? res.msBeforeNext : 60_000;
  const seconds = Math.ceil(ms / 1000);
  return seconds > 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
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

  async function take(limit: RateLimiterRedis, key: string, refusal: (wait: string) => string): Promise<void> {
    try {
      await limit.consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw new RelayRefusal(refusal(waitText(error)));
      throw error;
    }
  }

  return {
    /** Counts one request from an agent; refuses it when the agent is over their limit. */
    async request(agentId: string, action: RelayAction): Promise<void> {
      await take(perAgent, agentId, (wait) => `Too many requests from this desk: try again in ${wait}.`);
      if (action !== 'request_permission') return;
      await take(
        permissionPerAgent,
        agentId,
        (wait) => `You have sent the most call-permission requests allowed for now: try again in ${wait}.`,
      );
    },
    /** Counts one permission request to a customer, whoever sends it. */
    async permissionRequest(customer: string): Promise<void> {
      await take(
        permissionPerCustomer,
        customer,
        (wait) => `This customer was already asked for call permission today: try again in ${wait}.`,
      );
    },
  };
}
export type RelayLimits = ReturnType<typeof createRelayLimits>;
