import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { createLogger } from '../src/whatsapp/logger';
import { startWebhookServer } from '../src/whatsapp/webhookServer';

/**
 * One server per process, so the load generator never shares its event loop:
 * `bare` reads the body and answers 200; `hmac` also does the irreducible work of a webhook (checks the
 * X-Hub-Signature-256 HMAC over the body and JSON.parses it); `webhook` is the app's real webhook server.
 */
async function main(): Promise<void> {
  const [kind, secret] = process.argv.slice(2);
  if (kind === 'bare' || kind === 'hmac') {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => kind === 'hmac' && chunks.push(chunk));
      req.on('end', () => {
        if (kind === 'hmac') {
          const body = Buffer.concat(chunks);
          const given = Buffer.from(String(req.headers['x-hub-signature-256']).slice(7), 'hex');
          const expected = createHmac('sha256', secret!).update(body).digest();
          const ok = given.length === expected.length && timingSafeEqual(given, expected);
          if (!ok || typeof JSON.parse(body.toString('utf8')) !== 'object') {
            res.writeHead(401).end();
            return;
          }
        }
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 3 });
        res.end('ok\n');
      });
    });
    server.listen(0, '127.0.0.1', () =>
      process.send?.({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}/webhook` }),
    );
    return;
  }
  let delivered = 0;
  const server = await startWebhookServer({
    appSecret: secret!,
    verifyToken: 'bench-verify-token',
    logger: createLogger({ destination: { write: () => undefined } }),
    onEvent: () => {
      delivered += 1;
    },
  });
  process.on('message', () => process.send?.({ delivered }));
  process.send?.({ url: server.url });
}

void main();
