import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** A peer's address as one key: IPv4 over an IPv6 socket (::ffff:1.2.3.4) is the same client as 1.2.3.4. */
export function peerAddress(socket: Pick<Socket, 'remoteAddress'>): string {
  const address = socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * The client a request comes from. X-Forwarded-For is believed only from a listed proxy (anyone else could write
 * it): the client is then the nearest address in it that is not one of those proxies.
 */
export function requestClient(req: IncomingMessage, trustedProxies: readonly string[] = []): string {
  const peer = peerAddress(req.socket);
  const forwarded = req.headers['x-forwarded-for'];
  if (!trustedProxies.includes(peer) || typeof forwarded !== 'string') return peer;
  const hops = forwarded.split(',').map((hop) => hop.trim().replace(/^::ffff:/, ''));
  return hops.reverse().find((hop) => hop && !trustedProxies.includes(hop)) ?? peer;
}
