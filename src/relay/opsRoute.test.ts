import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpsRoute } from './opsRoute';

let server: Server | undefined;
afterEach(() => server?.close());

async function serve(route: ReturnType<typeof createOpsRoute>): Promise<string> {
  server = createServer((req, res) => {
    void route(req, res).then((done) => {
      if (!done) res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the relay operations routes', () => {
  it('keep /metrics behind the operator token when one is set, in constant time', async () => {
    const base = await serve(
      createOpsRoute({
        registry: new Registry(),
        notReady: async () => undefined,
        metricsToken: 'operator-token-0123',
      }),
    );
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await fetch(`${base}/metrics`, { headers: { Authorization: 'Bearer operator-token-0123' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
    // The scheme in any case, as HTTP has it (a client library writing `bearer`).
    const lower = await fetch(`${base}/metrics`, { headers: { Authorization: 'bearer operator-token-0123' } });
    expect(lower.status).toBe(200);
    // Health stays open for load balancers, and other paths are left to the next route.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/other`)).status).toBe(404);
  });

  it('say why the instance is not ready', async () => {
    const base = await serve(
      createOpsRoute({ registry: new Registry(), notReady: async () => 'Redis does not answer' }),
    );
    const reply = await fetch(`${base}/readyz?probe=1`);
    expect([reply.status, (await reply.text()).trim()]).toEqual([503, 'Redis does not answer']);
  });
});
