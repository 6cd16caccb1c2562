import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { loadSdpFixture } from '../fixtures/load';
import { signBody } from '../src/whatsapp/signature';
import { connectWebhook } from '../sim/webhookSender';

const SECRET = '0123456789abcdef0123456789abcdef';

export interface IngestResult {
  name: string;
  requestsPerSec: number;
  p99Ms: number;
  non2xx: number;
}

function startServer(kind: 'bare' | 'hmac' | 'webhook') {
  const child = fork(join(__dirname, 'ingestServer.ts'), [kind, SECRET], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = new Promise<string>((resolve) => child.once('message', (m: { url: string }) => resolve(m.url)));
  return { child, ready };
}

/** Distinct signed connect webhooks with a real WhatsApp SDP, so de-duplication cannot short-cut the work. */
function requests(count: number) {
  const sdp = loadSdpFixture('10-live-connect-offer-2025-10-17.sdp');
  return Array.from({ length: count }, (_, i) => {
    const body = JSON.stringify(
      connectWebhook({ callId: `wacid.bench${i}`, from: '447700900123', phoneNumberId: '1', sdpOffer: sdp }),
    );
    return {
      method: 'POST' as const,
      path: '/webhook',
      body,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, SECRET) },
    };
  });
}

async function load(name: string, url: string, durationSec: number): Promise<IngestResult> {
  const result = await autocannon({
    url,
    connections: 32,
    pipelining: 1,
    duration: durationSec,
    requests: requests(2000),
  });
  return { name, requestsPerSec: result.requests.average, p99Ms: result.latency.p99, non2xx: result.non2xx };
}

/** Webhook ingest with signature checks and parsing, against a bare node:http server answering 200. */
export async function benchIngest(
  durationSec = 8,
): Promise<{ bare: IngestResult; hmac: IngestResult; webhook: IngestResult }> {
  const results: Partial<Record<'bare' | 'hmac' | 'webhook', IngestResult>> = {};
  for (const kind of ['bare', 'hmac', 'webhook'] as const) {
    const server = startServer(kind);
    const url = await server.ready;
    await load(kind, url, 2); // warm-up
    results[kind] = await load(kind, url, durationSec);
    server.child.kill();
  }
  return results as { bare: IngestResult; hmac: IngestResult; webhook: IngestResult };
}
