import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

export interface Impairment {
  /** Share of RTP packets dropped, in percent (STUN and DTLS always pass, so the call still connects). */
  lossPct?: number;
  /** Added one-way delay in each direction, in ms. */
  delayMs?: number;
}

// RFC 7983 demultiplexing: first byte 128..191 is RTP or RTCP.
const isRtp = (packet: Buffer): boolean => packet.length > 0 && packet[0]! >= 128 && packet[0]! <= 191;

/**
 * A UDP hop between the app and the simulated caller that can lose, delay or swallow packets:
 * the way to test call quality warnings and a caller that vanishes, on one machine.
 */
export async function startUdpRelay(target: { address: string; port: number }, impairment: Impairment = {}) {
  const bind = (socket: Socket) =>
    new Promise<number>((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket.address().port)));
  const front = createSocket('udp4');
  const back = createSocket('udp4');
  const frontPort = await bind(front);
  await bind(back);
  let client: RemoteInfo | undefined;
  let blackhole = false;
  let closed = false;
  let settings = { lossPct: impairment.lossPct ?? 0, delayMs: impairment.delayMs ?? 0 };

  function forward(socket: Socket, packet: Buffer, to: { address: string; port: number }): void {
    if (blackhole) return;
    if (isRtp(packet) && Math.random() * 100 < settings.lossPct) return;
    // Delayed packets may come due after the call closed the sockets.
    const send = () => {
      if (!closed) socket.send(packet, to.port, to.address);
    };
    if (settings.delayMs > 0) setTimeout(send, settings.delayMs);
    else send();
  }

  front.on('message', (packet, from) => {
    client = from;
    forward(back, packet, target);
  });
  back.on('message', (packet) => {
    if (client) forward(front, packet, client);
  });

  return {
    address: '127.0.0.1',
    port: frontPort,
    impair(next: Impairment): void {
      settings = { lossPct: next.lossPct ?? 0, delayMs: next.delayMs ?? 0 };
    },
    /** Swallows everything from now on, as when the caller's network drops. */
    cut(): void {
      blackhole = true;
    },
    close(): void {
      if (closed) return;
      closed = true;
      front.close();
      back.close();
    },
  };
}

export type UdpRelay = Awaited<ReturnType<typeof startUdpRelay>>;
