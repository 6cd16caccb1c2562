import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export interface JanusReply {
  janus: string;
  data?: { id?: number };
  error?: { code?: number; reason?: string };
  plugindata?: { data?: { audiobridge?: string; error_code?: number; error?: string } };
}

/**
 * Someone who reached Janus's WebSocket port and speaks its API by hand, as an attacker would: whatever credentials
 * they bring (none, forged, stolen from elsewhere) go into every request they send.
 */
export async function connectAsStranger(url: string, credentials: { apisecret?: string; token?: string } = {}) {
  const socket = new WebSocket(url, 'janus-protocol');
  const waiting = new Map<string, (reply: JanusReply) => void>();
  socket.on('message', (data) => {
    const reply = JSON.parse(String(data)) as JanusReply & { transaction?: string };
    if (reply.janus === 'ack' || !reply.transaction) return;
    waiting.get(reply.transaction)?.(reply);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });

  function ask(message: Record<string, unknown>): Promise<JanusReply> {
    const transaction = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Janus did not answer ${String(message.janus)}`)), 5000);
      waiting.set(transaction, (reply) => {
        clearTimeout(timer);
        waiting.delete(transaction);
        resolve(reply);
      });
      socket.send(JSON.stringify({ ...message, ...credentials, transaction }));
    });
  }

  return {
    /** Janus's reply to creating a session. */
    createSession: () => ask({ janus: 'create' }),
    /** A session and an AudioBridge handle; throws with Janus's reason when refused. */
    async attachAudioBridge(): Promise<{ session: number; handle: number }> {
      const created = await ask({ janus: 'create' });
      if (created.janus !== 'success') throw new Error(`session refused: ${created.error?.reason}`);
      const session = created.data!.id!;
      const attached = await ask({ janus: 'attach', session_id: session, plugin: 'janus.plugin.audiobridge' });
      if (attached.janus !== 'success') throw new Error(`attach refused: ${attached.error?.reason}`);
      return { session, handle: attached.data!.id! };
    },
    /** One AudioBridge request; resolves with the plugin's answer (an `error` in it when refused). */
    async audioBridge(at: { session: number; handle: number }, body: Record<string, unknown>) {
      const reply = await ask({ janus: 'message', session_id: at.session, handle_id: at.handle, body });
      return reply.plugindata?.data ?? { error: reply.error?.reason ?? reply.janus };
    },
    close: () => socket.close(),
  };
}
