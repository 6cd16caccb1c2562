import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { connectRelay, type RelayClient } from './relayClient';

let server: WebSocketServer | undefined;
let client: RelayClient | undefined;

afterEach(async () => {
  client?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
  client = undefined;
});

/** A relay on loopback that welcomes every connection with `welcome` and keeps what each desk says. */
async function relayWelcoming(welcome: Record<string, unknown>) {
  const heard: unknown[][] = [];
  const sockets: WebSocket[] = [];
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server!.once('listening', resolve));
  server.on('connection', (socket) => {
    const said: unknown[] = [];
    heard.push(said);
    sockets.push(socket);
    socket.on('message', (data) => said.push(JSON.parse(String(data))));
    socket.send(JSON.stringify({ type: 'welcome', agentId: 'asha', instance: 'x', ...welcome }));
  });
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, heard, sockets };
}

describe('relay client: the team’s not-ready reasons', () => {
  it('passes on the reasons the relay names when the desk signs in', async () => {
    const relay = await relayWelcoming({ notReadyReasons: ['break', 'lunch'] });
    const states: unknown[] = [];
    client = connectRelay({
      urls: [relay.url],
      token: 't',
      onEvent: () => undefined,
      onConnection: (s) => states.push(s),
    });
    await client.ready();
    expect(states).toEqual([
      { connected: true, url: relay.url, agentId: 'asha', notReadyReasons: ['break', 'lunch'], wrapUpCodes: undefined },
    ]);
  });

  it('sends the reason with the status, and again after a reconnect, until the agent is available', async () => {
    const relay = await relayWelcoming({ notReadyReasons: ['lunch'] });
    client = connectRelay({ urls: [relay.url], token: 't', onEvent: () => undefined });
    await client.ready();
    client.setStatus('away', 'lunch');
    await expect
      .poll(() => relay.heard[0])
      .toEqual([
        { type: 'status', status: 'available' },
        { type: 'status', status: 'away', reason: 'lunch' },
      ]);
    relay.sockets[0]!.terminate();
    await expect.poll(() => relay.heard[1]).toEqual([{ type: 'status', status: 'away', reason: 'lunch' }]);
    client.setStatus('available');
    await expect.poll(() => relay.heard[1]?.at(-1)).toEqual({ type: 'status', status: 'available' });
  });

  it('still signs in when a relay names reasons outside the protocol, and offers none of them', async () => {
    const relay = await relayWelcoming({ notReadyReasons: ['x'.repeat(41)] });
    const states: Array<{ notReadyReasons?: string[] }> = [];
    client = connectRelay({
      urls: [relay.url],
      token: 't',
      onEvent: () => undefined,
      onConnection: (s) => states.push(s),
    });
    await client.ready();
    expect(states[0]?.notReadyReasons).toBeUndefined();
  });
});

/** A relay that welcomes the first sign-in, drops that desk with the revoked-token close at its first request, and
 * refuses every sign-in after that with 401, as the relay does once `npm run relay -- revoke` named the agent. */
async function relayRevoking(options: { welcomeFirst: boolean }) {
  const wss = new WebSocketServer({ noServer: true });
  const http = createServer();
  let signIns = 0;
  http.on('upgrade', (req, socket, head) => {
    signIns += 1;
    if (!options.welcomeFirst || signIns > 1) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send(JSON.stringify({ type: 'welcome', agentId: 'asha', instance: 'x' }));
      ws.on('message', (data) => {
        if ((JSON.parse(String(data)) as { type: string }).type === 'request') ws.close(4001, 'agent token revoked');
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  revoking = {
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
  return `ws://127.0.0.1:${(http.address() as AddressInfo).port}/`;
}
let revoking: { close(): Promise<void> } | undefined;
afterEach(async () => {
  await revoking?.close();
  revoking = undefined;
});

describe('relay client: a session the relay ends', () => {
  it('fails a request at once with the refused token, never as an unreachable relay', async () => {
    const url = await relayRevoking({ welcomeFirst: false });
    const states: Array<{ refused?: boolean }> = [];
    client = connectRelay({ urls: [url], token: 't', onEvent: () => undefined, onConnection: (s) => states.push(s) });
    const startedMs = performance.now();
    await expect(client.request('colleagues', {})).rejects.toMatchObject({ said: { key: 'relayTokenRefused' } });
    expect(performance.now() - startedMs).toBeLessThan(3000);
    expect(states.some((s) => s.refused)).toBe(true);
    // Asked again later, the answer is the same and as quick.
    await expect(client.request('colleagues', {})).rejects.toMatchObject({ said: { key: 'relayTokenRefused' } });
  });

  it('fails a request in flight with the refused token when the relay drops the desk for its revoked token', async () => {
    const url = await relayRevoking({ welcomeFirst: true });
    client = connectRelay({ urls: [url], token: 't', onEvent: () => undefined });
    await client.ready();
    await expect(client.request('colleagues', {})).rejects.toMatchObject({ said: { key: 'relayTokenRefused' } });
    await expect(client.request('colleagues', {})).rejects.toMatchObject({ said: { key: 'relayTokenRefused' } });
  });
});
