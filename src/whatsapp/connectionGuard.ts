import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { peerAddress } from './clientAddress';
import type { Logger } from './logger';

export interface ConnectionLimits {
  /** Open connections on the port at once (each is a file descriptor). */
  maxConnections: number;
  /** Connections from one address not yet vouched for (a signed-in desk is; an office behind one address has many). */
  maxPerAddress: number;
  /** Time from connecting to a complete first request or WebSocket upgrade. */
  firstRequestMs: number;
  /**
   * Reverse proxies in front (their own address): a proxy carries many clients, so it is not capped per address;
   * it is expected to enforce its own limits.
   */
  trustedProxies?: readonly string[];
}

export type ConnectionRefusal = 'port_full' | 'address_full' | 'no_request_in_time' | 'no_message_in_time' | 'gave_way';

const REFUSAL_TEXT: Record<ConnectionRefusal, string> = {
  port_full: 'the port has its maximum of open connections',
  address_full: 'this address has its maximum of open connections',
  no_request_in_time: 'no request arrived in time after connecting',
  no_message_in_time: 'no message arrived in time after the WebSocket upgrade',
  gave_way: 'an idle connection was closed to make room for a new one',
};

/** waiting: no request yet; busy: a request or upgrade in progress; idle: kept alive between requests. */
type State = 'waiting' | 'busy' | 'idle' | 'vouched';

interface Tracked {
  address: string;
  state: State;
  timer?: ReturnType<typeof setTimeout>;
}

export interface ConnectionGuardHooks {
  /** Names the port in logs ("webhook", "agent"). */
  port: string;
  log: Logger;
  onRefusal?: (reason: ConnectionRefusal) => void;
}

/** Logs refusals at warn once a second per reason, with how many there were, so a flood is not a log flood. */
function refusalReporter(hooks: ConnectionGuardHooks) {
  const counts = new Map<ConnectionRefusal, { count: number; lastFrom: string }>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    timer = undefined;
    for (const [reason, seen] of counts)
      hooks.log.warn('connection refused', { port: hooks.port, reason: REFUSAL_TEXT[reason], ...seen });
    counts.clear();
  };
  return (reason: ConnectionRefusal, address: string): void => {
    hooks.onRefusal?.(reason);
    counts.set(reason, { count: (counts.get(reason)?.count ?? 0) + 1, lastFrom: address });
    timer ??= setTimeout(flush, 1000).unref();
  };
}

/**
 * Caps an HTTP server's connections in total and per address, closes those that send no request in time, and when
 * the port is full lets the oldest idle connection give way to a new one, so a flood of silent sockets cannot keep
 * a genuine client out nor take the process's file descriptors.
 */
export function guardConnections(server: Server, limits: ConnectionLimits, hooks: ConnectionGuardHooks) {
  // Insertion order is age order: the first idle entry is the oldest.
  const tracked = new Map<Socket, Tracked>();
  const perAddress = new Map<string, number>();
  const refused = refusalReporter(hooks);
  const capped = (address: string) => !limits.trustedProxies?.includes(address);

  function countAddress(address: string, delta: number): void {
    const n = (perAddress.get(address) ?? 0) + delta;
    if (n > 0) perAddress.set(address, n);
    else perAddress.delete(address);
  }

  /** Stops counting a connection; its own close comes later, so this is done at once and only once. */
  function forget(socket: Socket, entry: Tracked): void {
    if (tracked.get(socket) !== entry) return;
    clearTimeout(entry.timer);
    tracked.delete(socket);
    if (entry.state !== 'vouched') countAddress(entry.address, -1);
  }

  function drop(socket: Socket, entry: Tracked, reason: ConnectionRefusal): void {
    refused(reason, entry.address);
    forget(socket, entry);
    socket.destroy();
  }

  function makeRoom(): boolean {
    for (const [socket, entry] of tracked) {
      if (entry.state !== 'waiting' && entry.state !== 'idle') continue;
      drop(socket, entry, 'gave_way');
      return true;
    }
    return false;
  }

  function admit(socket: Socket): void {
    const address = peerAddress(socket);
    if (capped(address) && (perAddress.get(address) ?? 0) >= limits.maxPerAddress) {
      refused('address_full', address);
      return void socket.destroy();
    }
    if (tracked.size >= limits.maxConnections && !makeRoom()) {
      refused('port_full', address);
      return void socket.destroy();
    }
    const entry: Tracked = { address, state: 'waiting' };
    entry.timer = setTimeout(
      () => entry.state === 'waiting' && drop(socket, entry, 'no_request_in_time'),
      limits.firstRequestMs,
    );
    tracked.set(socket, entry);
    countAddress(address, 1);
    socket.once('close', () => forget(socket, entry));
  }

  function setState(socket: Duplex, state: State): void {
    const entry = tracked.get(socket as Socket);
    if (!entry || entry.state === 'vouched') return;
    clearTimeout(entry.timer);
    if (state === 'vouched') countAddress(entry.address, -1);
    entry.state = state;
  }

  server.on('connection', admit);
  server.on('request', (req, res) => {
    setState(req.socket, 'busy');
    res.once('close', () => setState(req.socket, 'idle'));
  });

  return {
    /** A WebSocket upgrade is being handled on this connection: it is not idle. */
    engaged: (socket: Duplex) => setState(socket, 'busy'),
    /** Closes this upgraded connection unless the client sends something (its first message) within `ms`. */
    expectMessage(socket: Duplex, head: Buffer, ms: number): void {
      const connection = socket as Socket;
      const before = connection.bytesRead;
      const timer = setTimeout(() => {
        if (connection.destroyed || head.length > 0 || connection.bytesRead > before) return;
        refused('no_message_in_time', peerAddress(connection));
        connection.destroy();
      }, ms);
      connection.once('close', () => clearTimeout(timer));
    },
    /** This connection proved who it is (a signed-in desk): no longer counted against its address, never evicted. */
    vouch: (socket: Duplex) => setState(socket, 'vouched'),
    open: () => tracked.size,
  };
}
export type ConnectionGuard = ReturnType<typeof guardConnections>;
