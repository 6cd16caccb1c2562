import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

/** What Janus sends over its WebSocket API, as far as a proxy needs to pick messages out. */
export interface JanusMessage {
  janus?: string;
  plugindata?: { plugin?: string; data?: Record<string, unknown> };
}

/** An AudioBridge `leaving` event: Janus's word that a participant is out of a room. */
export const isLeavingEvent = (message: JanusMessage): boolean =>
  message.janus === 'event' && message.plugindata?.data?.leaving !== undefined;

/**
 * A WebSocket proxy in front of a test Janus that plays a Janus misbehaving: every connection is passed through both
 * ways, but what Janus sends that `drop` picks never reaches the client (`dropped` keeps it).
 */
export async function startJanusProxy(janusUrl: string, drop: (message: JanusMessage) => boolean) {
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('janus-protocol') ? 'janus-protocol' : false),
  });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const dropped: JanusMessage[] = [];
  server.on('connection', (client) => {
    const janus = new WebSocket(janusUrl, 'janus-protocol');
    const early: string[] = [];
    janus.on('open', () => early.splice(0).forEach((text) => janus.send(text)));
    client.on('message', (data) => {
      const text = String(data);
      if (janus.readyState === WebSocket.OPEN) janus.send(text);
      else early.push(text);
    });
    janus.on('message', (data) => {
      const text = String(data);
      const message = JSON.parse(text) as JanusMessage;
      if (drop(message)) dropped.push(message);
      else client.send(text);
    });
    client.on('close', () => janus.close());
    janus.on('close', () => client.close());
    client.on('error', () => janus.close());
    janus.on('error', () => client.close());
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropped,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
