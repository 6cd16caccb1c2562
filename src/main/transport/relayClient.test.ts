import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { connectRelay, type RelayClient } from './relayClient';

let server: WebSocketServer | undefined;
let client: RelayClient | undefined;

afterEach(async () => {
  client?.close();
  await new Promise((resolve) => server?.close(resolve));
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
