import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { CallSignal } from '../../shared/callSignals';
import { connectRelay, type RelayClient } from './relayClient';

let server: WebSocketServer | undefined;
let client: RelayClient | undefined;

afterEach(async () => {
  client?.close();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
  client = undefined;
});

/** A "relay" on loopback that signs the desk in and then says whatever the test wants. */
async function fakeRelay(script: (send: (data: string | Buffer) => void, message: string) => void): Promise<string> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server!.once('listening', resolve));
  server.on('connection', (socket) => {
    socket.send(JSON.stringify({ type: 'welcome', agentId: 'a', instance: 'x' }));
    socket.on('message', (data) => script((d) => socket.send(d), String(data)));
  });
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('relay client against a broken or hostile relay', () => {
  it('ignores garbage and messages outside the protocol, and still takes the valid ones', async () => {
    const offer: CallSignal = { type: 'call_offered', callId: 'c1', from: '1', sdpOffer: 'v=0', timestampMs: 1 };
    const url = await fakeRelay((send, message) => {
      if (!message.includes('"status"')) return;
      for (const junk of ['not json', '}{', '{"type":"event","event":{"type":"bogus"}}', '[1,2]', 'null']) send(junk);
      send(Buffer.from([0xff, 0x00, 0x13]));
      send(JSON.stringify({ type: 'event', event: offer }));
    });
    const events: CallSignal[] = [];
    client = connectRelay({ urls: [url], token: 't', onEvent: (e) => events.push(e) });
    await client.ready();
    await expect.poll(() => events).toEqual([offer]);
  });

  it('refuses a reply whose data does not fit the request', async () => {
    const url = await fakeRelay((send, message) => {
      const request = JSON.parse(message) as { type: string; id?: number };
      if (request.type === 'request')
        send(JSON.stringify({ type: 'reply', id: request.id, ok: true, data: { nope: 1 } }));
    });
    client = connectRelay({ urls: [url], token: 't', onEvent: () => undefined, requestTimeoutMs: 2000 });
    await client.ready();
    await expect(client.request('connect', { to: '447700900123', sdp: 'v=0' })).rejects.toThrow('not understood');
  });
});
