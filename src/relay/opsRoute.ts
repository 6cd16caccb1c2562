import { bearerToken } from './bearerToken';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';

export interface OpsRouteDeps {
  registry: Registry;
  /** Why this instance should not take traffic now, or undefined when it can. */
  notReady(): Promise<string | undefined>;
  /** When set, /metrics asks for `Authorization: Bearer <token>`. */
  metricsToken?: string;
}

const sameToken = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** GET /healthz (the process answers), /readyz (Redis and the bus are up) and /metrics (Prometheus text). */
export function createOpsRoute(deps: OpsRouteDeps) {
  return async function opsRoute(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/healthz' && path !== '/readyz' && path !== '/metrics') return false;
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET') {
      reply(405, 'GET only\n');
      return true;
    }
    if (path === '/healthz') {
      reply(200, 'ok\n');
      return true;
    }
    if (path === '/readyz') {
      const reason = await deps.notReady();
      reply(reason ? 503 : 200, `${reason ?? 'ready'}\n`);
      return true;
    }
    if (deps.metricsToken) {
      const given = bearerToken(req.headers.authorization) ?? '';
      if (!sameToken(given, deps.metricsToken)) {
        reply(401, 'metrics need the operator token\n');
        return true;
      }
    }
    reply(200, await deps.registry.metrics(), deps.registry.contentType);
    return true;
  };
}
