import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TunnelProvider } from '../src/whatsapp/tunnel';

/**
 * Stands in for ngrok in tests: a reverse proxy on another local port, so webhooks really travel
 * through the "tunnel" address the app shows, while the real ngrok needs an account and internet.
 */
export function localProxyTunnels(opened: string[] = []): TunnelProvider {
  return {
    async open(localPort, authtoken) {
      if (authtoken !== 'test-ngrok-authtoken')
        throw new Error('authentication failed: The authtoken you specified is invalid');
      const proxy = createServer((req, res) => {
        const upstream = request(
          { host: '127.0.0.1', port: localPort, path: req.url, method: req.method, headers: req.headers },
          (reply) => {
            res.writeHead(reply.statusCode ?? 502, reply.headers);
            reply.pipe(res);
          },
        );
        upstream.on('error', () => {
          res.writeHead(502);
          res.end();
        });
        req.pipe(upstream);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      opened.push(url);
      return {
        url,
        close: () =>
          new Promise<void>((resolve) => {
            proxy.close(() => resolve());
            proxy.closeAllConnections();
          }),
      };
    },
  };
}
