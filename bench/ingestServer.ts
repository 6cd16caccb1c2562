import { createServer } from 'node:http';
import { createLogger } from '../src/whatsapp/logger';
import { startWebhookServer } from '../src/whatsapp/webhookServer';

/**
 * One server per process, so the load generator never shares its event loop:
 * `bare` reads the body and answers 200, `webhook` is the app's real webhook server.
 */
async function main(): Promise<void> {
  const [kind, secret] = process.argv.slice(2);
  if (kind === 'bare') {
    const server = createServer((req, res) => {
      req.on('data', () => undefined);
      req.on('end', () => {
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
