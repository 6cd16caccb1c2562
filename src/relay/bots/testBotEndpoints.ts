import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a test endpoint received, whole. */
export interface SeenRequest {
  method?: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * Test support for the bot-offer tests: bot endpoints (good, hostile, broken), each behind its own path of one real
 * HTTP server on loopback, with every request kept. `start` before the tests, `stop` after; `base()` is its address.
 */
export function serveBotEndpoints(endpoints: Record<string, (req: IncomingMessage, res: ServerResponse) => void>) {
  const seen: SeenRequest[] = [];
  let base = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method,
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      endpoints[req.url ?? '']?.(req, res);
    });
  });
  return {
    seen,
    base: () => base,
    async start(): Promise<void> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async stop(): Promise<void> {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
