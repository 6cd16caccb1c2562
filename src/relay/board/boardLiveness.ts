import type { WebSocket } from 'ws';
import { BOARD_ALIVE_MS } from '../../shared/boardSchemas';

/**
 * Pings board sockets every `everyMs`; one that has not answered the previous ping by the next is cut, so a page gone
 * silent without a close (a NAT dropping state, a laptop asleep) goes within two intervals. Browsers answer pings on
 * their own; `onTick` runs at each round, for the page's own sign of life.
 */
export function watchBoardSockets(options: { everyMs?: number; onSilent(socket: WebSocket): void; onTick(): void }) {
  const everyMs = options.everyMs ?? BOARD_ALIVE_MS;
  const watched = new Set<WebSocket>();
  /** Pinged at the last round, no pong since. */
  const unanswered = new Set<WebSocket>();
  let timer: ReturnType<typeof setInterval> | undefined;

  function round(): void {
    for (const socket of watched) {
      if (unanswered.has(socket)) {
        options.onSilent(socket);
        socket.terminate();
        continue;
      }
      unanswered.add(socket);
      socket.ping();
    }
    options.onTick();
  }

  return {
    watch(socket: WebSocket): void {
      watched.add(socket);
      socket.on('pong', () => unanswered.delete(socket));
      socket.once('close', () => {
        watched.delete(socket);
        unanswered.delete(socket);
        if (watched.size > 0 || !timer) return;
        clearInterval(timer);
        timer = undefined;
      });
      timer ??= setInterval(round, everyMs);
    },
    close(): void {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
