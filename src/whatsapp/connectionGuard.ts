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
  gave_way: 'an idle or stalled connection was closed to make room for a new one',
};

/** waiting: no request yet; busy: a request or upgrade in progress; idle: kept alive between requests. */
type State = 'waiting' | 'busy' | 'idle' | 'vouched';

interface Tracked {
  address: string;
  state: State;
  /** When the connection entered its state: the one idle or stalled for longest gives way first. */
  sinceMs: number;
  /** While a request is read: whether it has fallen behind a real client's pace. */
  stalled?: () => boolean;
  timer?: ReturnType<typeof setTimeout>;
}

export interface ConnectionGuardHooks {
  /** Names the port in logs ("webhook", "agent"). */
  port: string;
  log: Logger;
  onRefusal?: (reason: ConnectionRefusal) => void;
}

/**
 * Warns at once for the first of a kind, then at most once a second per kind with how many there were since, so a
 * flood is not a log flood.
 */
export function groupedWarnings(log: Logger, msg: string) {
  const kinds = new Map<string, { count: number; fields: Record<string, unknown>; timer: NodeJS.Timeout }>();
  const tick = (kind: string): void => {
    const seen = kinds.get(kind);
    if (!seen) return;
    if (seen.count === 0) return void kinds.delete(kind);
    log.warn(msg, { ...seen.fields, count: seen.count });
    seen.count = 0;
    seen.timer = setTimeout(tick, 1000, kind).unref();
  };
  return {
    warn(kind: string, fields: Record<string, unknown>): void {
      const seen = kinds.get(kind);
      if (seen) {
        seen.count += 1;
        seen.fields = fields;
        return;
      }
      log.warn(msg, { ...fields, count: 1 });
      kinds.set(kind, { count: 0, fields, timer: setTimeout(tick, 1000, kind).unref() });
    },
    /** Writes what is still counted (at close). */
    flush(): void {
      for (const seen of kinds.values()) {
        clearTimeout(seen.timer);
        if (seen.count > 0) log.warn(msg, { ...seen.fields, count: seen.count });
      }
      kinds.clear();
    },
  };
}

function refusalReporter(hooks: ConnectionGuardHooks) {
  const warnings = groupedWarnings(hooks.log, 'connection refused');
  return {
    refused(reason: ConnectionRefusal, address: string): void {
      hooks.onRefusal?.(reason);
      warnings.warn(reason, { port: hooks.port, reason: REFUSAL_TEXT[reason], lastFrom: address });
    },
    flush: warnings.flush,
  };
}

/**
 * Caps an HTTP server's connections in total and per address, closes those that send no request in time, and when
 * the port is full lets the connection idle or stalled for longest (no request yet, or a request behind a real
 * client's pace) give way to a new one, so a flood of silent, idle or trickling sockets cannot keep a genuine client
 * out nor take the process's file descriptors. A genuine request is whole within milliseconds, so it is never the
 * oldest stalled one; a request read in full, or keeping pace, never gives way.
 */
export function guardConnections(server: Server, limits: ConnectionLimits, hooks: ConnectionGuardHooks) {
  const tracked = new Map<Socket, Tracked>();
  const perAddress = new Map<string, number>();
  const reporter = refusalReporter(hooks);
  const refused = reporter.refused;
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

  // A newcomer's own request is not in yet either, but being the youngest it goes last.
  const mayGiveWay = (entry: Tracked): boolean =>
    entry.state === 'waiting' ||
    entry.state === 'idle' ||
    (entry.state === 'busy' && entry.stalled !== undefined && entry.stalled());

  /** The connection to close for a newcomer: the one idle or stalled for longest. */
  function victim(): [Socket, Tracked] | undefined {
    let oldest: [Socket, Tracked] | undefined;
    for (const pair of tracked) {
      if ((!oldest || pair[1].sinceMs < oldest[1].sinceMs) && mayGiveWay(pair[1])) oldest = pair;
    }
    return oldest;
  }

  function makeRoom(): boolean {
    const found = victim();
    if (found) drop(found[0], found[1], 'gave_way');
    return found !== undefined;
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
    const entry: Tracked = { address, state: 'waiting', sinceMs: Date.now() };
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
    entry.sinceMs = Date.now();
    entry.stalled = undefined;
  }

  server.on('connection', admit);
  server.on('close', reporter.flush);
  // Before the server's own handler, which may judge the request it starts reading.
  server.prependListener('request', (req, res) => {
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
    /**
     * The request now in progress on this connection is being read: `stalled` says whether it has fallen behind a
     * real client's pace (then it may give way to a newcomer when the port is full).
     */
    judge(socket: Duplex, stalled: () => boolean): void {
      const entry = tracked.get(socket as Socket);
      if (entry?.state === 'busy') entry.stalled = stalled;
    },
    /** This connection proved who it is (a signed-in desk): no longer counted against its address, never evicted. */
    vouch: (socket: Duplex) => setState(socket, 'vouched'),
    open: () => tracked.size,
  };
}
export type ConnectionGuard = ReturnType<typeof guardConnections>;
