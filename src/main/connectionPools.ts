import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Connections that have not shown the session secret yet: anyone on this computer can open these. */
  unproven: number;
  /** Connections whose requests carried the secret: the page's own (a browser opens six or so). */
  proven: number;
  /** How long a new connection has to send a complete request carrying the secret. */
  proveWithinMs: number;
}

export const HOST_CONNECTION_LIMITS: ConnectionLimits = { unproven: 64, proven: 64, proveWithinMs: 3000 };

/**
 * Keeps connections without the session secret from crowding out the page's: they share a pool of their own, where
 * each has a short deadline and the oldest makes room for a newcomer, while connections that proved the secret keep
 * a pool reserved for them. Together the pools bound the host's open files.
 */
export function poolConnections(server: Server, limits: ConnectionLimits = HOST_CONNECTION_LIMITS) {
  const unproven = new Map<Socket, ReturnType<typeof setTimeout>>();
  const proven = new Set<Socket>();

  function forget(socket: Socket): void {
    clearTimeout(unproven.get(socket));
    unproven.delete(socket);
    proven.delete(socket);
  }

  function admit(socket: Socket): void {
    // A newcomer is let in at the oldest unproven connection's expense, so a flood cannot lock the page out.
    const oldest = unproven.size >= limits.unproven ? unproven.keys().next().value : undefined;
    if (oldest) {
      forget(oldest);
      oldest.destroy();
    }
    const deadline = setTimeout(() => socket.destroy(), limits.proveWithinMs);
    deadline.unref();
    unproven.set(socket, deadline);
    socket.once('close', () => forget(socket));
  }

  server.on('connection', admit);

  return {
    /** Moves a connection that showed the secret into the page's pool; false when that pool is full. */
    prove(socket: Socket): boolean {
      if (proven.has(socket)) return true;
      if (proven.size >= limits.proven || !unproven.has(socket)) return false;
      forget(socket);
      proven.add(socket);
      return true;
    },
  };
}
