import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import {
  ATTR,
  STUN_BINDING_REQUEST,
  attribute,
  bindingError,
  bindingSuccess,
  decodeStun,
  hasValidFingerprint,
  hasValidIntegrity,
  looksLikeStun,
} from './stunMessages';

export interface Impairment {
  /** Share of RTP packets dropped, in percent (STUN and DTLS always pass, so the call still connects). */
  lossPct?: number;
  /** Added one-way delay in each direction, in ms. */
  delayMs?: number;
  /**
   * Jitter: each RTP packet waits a further random 0..jitterMs (uniform), so packets arrive unevenly and out of order,
   * as across a congested network.
   */
  jitterMs?: number;
}

export interface IceLiteStats {
  /** Connectivity checks from the app answered with success. */
  checksAnswered: number;
  /** The app nominated the pair (USE-CANDIDATE from the controlling agent); media flows only after this. */
  nominated: boolean;
  /** Checks that claimed the controlled role: the app took the wrong ICE role against a lite peer. */
  roleConflicts: number;
  /** Checks with a wrong username, integrity or fingerprint (refused, as any ICE agent would). */
  refusedChecks: number;
  /**
   * Checks that came before WhatsApp had the app's SDP (its ICE username): left unanswered. Meta's FAQ: the app may
   * start its checks as soon as it decides to accept, but ICE converges only once Meta has processed the answer.
   */
  checksBeforeAnswer: number;
}

interface Credentials {
  ufrag: string;
  pwd: string;
}

// RFC 7983: first byte 128..191 is RTP or RTCP.
const isRtp = (packet: Buffer): boolean => packet.length > 0 && packet[0]! >= 128 && packet[0]! <= 191;
const credentials = (): Credentials => ({
  ufrag: randomBytes(3).toString('hex'),
  pwd: randomBytes(12).toString('hex'),
});

/** Replaces the ICE credentials and candidates of `sdp` with ours and declares ICE-lite, as Meta's SDP does. */
function asLitePeer(
  sdp: string,
  own: Credentials,
  port: number,
  mid?: { from: string; to: string },
  host = '127.0.0.1',
): string {
  const out: string[] = [];
  for (const line of sdp.split('\r\n').filter(Boolean)) {
    if (/^a=(candidate|end-of-candidates|ice-lite|ice-options)/.test(line)) continue;
    if (line.startsWith('a=ice-ufrag:')) out.push(`a=ice-ufrag:${own.ufrag}`);
    else if (line.startsWith('a=ice-pwd:')) {
      out.push(`a=ice-pwd:${own.pwd}`);
      out.push(`a=candidate:1 1 udp 2122260223 ${host} ${port} typ host generation 0`, 'a=end-of-candidates');
    } else if (line.startsWith('m=audio ')) out.push(line.replace(/^m=audio \d+/, `m=audio ${port}`));
    else if (line.startsWith('c=')) out.push(`c=IN IP4 ${host}`);
    else if (mid && line === `a=mid:${mid.from}`) out.push(`a=mid:${mid.to}`);
    else if (mid && line.startsWith('a=group:BUNDLE '))
      out.push(
        line
          .split(' ')
          .map((token, i) => (i > 0 && token === mid.from ? mid.to : token))
          .join(' '),
      );
    else out.push(line);
    if (line.startsWith('t=')) out.push('a=ice-lite');
  }
  return `${out.join('\r\n')}\r\n`;
}

/**
 * WhatsApp's media edge as the app meets it: a true ICE-lite agent that answers connectivity checks and
 * never sends one, so only an app that takes the controlling role and nominates gets media. Behind it, DTLS
 * and RTP are relayed unchanged to the libwebrtc peer that plays the customer (which meets a second lite
 * responder on the inner side), so DTLS stays end to end. Media can also be lost, delayed or cut here.
 */
export async function startIceLiteFront(options: { impairment?: Impairment; appHost?: string } = {}) {
  const bind = (socket: Socket, host = '127.0.0.1') =>
    new Promise<number>((resolve) => socket.bind(0, host, () => resolve(socket.address().port)));
  const outer = createSocket('udp4');
  const inner = createSocket('udp4');
  // Toward the app on loopback, unless the app's side never uses loopback (Janus gathers no loopback candidates).
  const appHost = options.appHost ?? '127.0.0.1';
  const outerPort = await bind(outer, appHost);
  const innerPort = await bind(inner);
  const towardApp = credentials();
  const towardFarEnd = credentials();
  const stats: IceLiteStats = {
    checksAnswered: 0,
    nominated: false,
    roleConflicts: 0,
    refusedChecks: 0,
    checksBeforeAnswer: 0,
  };
  /** The app's ICE username fragment, once its SDP has reached WhatsApp (pre_accept, or the offer of a call it places). */
  let appUfrag: string | undefined;
  let app: RemoteInfo | undefined;
  let farEnd: RemoteInfo | undefined;
  const waitingForFarEnd: Buffer[] = [];
  const settingsOf = (given?: Impairment) => ({
    lossPct: given?.lossPct ?? 0,
    delayMs: given?.delayMs ?? 0,
    jitterMs: given?.jitterMs ?? 0,
  });
  let settings = settingsOf(options.impairment);
  let blackhole = false;
  let closed = false;
  let mid: { app: string; farEnd: string } | undefined;

  function send(socket: Socket, packet: Buffer, to: { address: string; port: number }, media: boolean): void {
    if (blackhole || closed) return;
    if (media && isRtp(packet) && Math.random() * 100 < settings.lossPct) return;
    const go = () => {
      if (!closed) socket.send(packet, to.port, to.address);
    };
    const delay = media ? settings.delayMs + (isRtp(packet) ? Math.random() * settings.jitterMs : 0) : 0;
    if (delay > 0) setTimeout(go, delay);
    else go();
  }

  /** Answers a binding request as a lite agent; returns whether it was a valid check. */
  function answerCheck(socket: Socket, packet: Buffer, from: RemoteInfo, own: Credentials): 'nominated' | 'ok' | 'no' {
    const request = decodeStun(packet);
    if (!request || request.type !== STUN_BINDING_REQUEST) return 'no';
    const username = attribute(request, ATTR.USERNAME)?.toString() ?? '';
    if (socket === outer && appUfrag === undefined) {
      stats.checksBeforeAnswer += 1;
      return 'no';
    }
    // RFC 8445 7.3: the username is our fragment, a colon, then the fragment of the SDP the peer gave us.
    const expected = socket === outer ? `${own.ufrag}:${appUfrag}` : undefined;
    if (
      (expected !== undefined && username !== expected) ||
      !username.startsWith(`${own.ufrag}:`) ||
      !hasValidIntegrity(request, own.pwd) ||
      !hasValidFingerprint(request)
    ) {
      if (socket === outer) stats.refusedChecks += 1;
      send(socket, bindingError(request, 401, 'Unauthorized', own.pwd), from, false);
      return 'no';
    }
    send(socket, bindingSuccess(request, from, own.pwd), from, false);
    if (attribute(request, ATTR.ICE_CONTROLLED)) return socket === outer ? ((stats.roleConflicts += 1), 'ok') : 'ok';
    return attribute(request, ATTR.USE_CANDIDATE) && attribute(request, ATTR.ICE_CONTROLLING) ? 'nominated' : 'ok';
  }

  outer.on('message', (packet, from) => {
    if (looksLikeStun(packet)) {
      const verdict = answerCheck(outer, packet, from, towardApp);
      if (verdict === 'ok') stats.checksAnswered += 1;
      if (verdict === 'nominated') {
        stats.checksAnswered += 1;
        stats.nominated = true;
        app = from;
      }
      return;
    }
    // A lite agent has no selected pair, so no media, until the controlling agent nominated one.
    if (!stats.nominated || !app || from.address !== app.address || from.port !== app.port) return;
    if (farEnd) send(inner, packet, farEnd, true);
    else if (waitingForFarEnd.length < 32) waitingForFarEnd.push(packet);
  });

  inner.on('message', (packet, from) => {
    if (looksLikeStun(packet)) {
      if (answerCheck(inner, packet, from, towardFarEnd) === 'nominated') {
        farEnd = from;
        for (const queued of waitingForFarEnd.splice(0)) send(inner, queued, farEnd, true);
      }
      return;
    }
    if (stats.nominated && app) send(outer, packet, app, true);
  });

  return {
    port: outerPort,
    stats,
    /** The far end's description as the app must see it: our outer credentials and candidate, ICE-lite. */
    forApp(sdp: string): string {
      return asLitePeer(sdp, towardApp, outerPort, mid && { from: mid.farEnd, to: mid.app }, appHost);
    },
    /** The app's description as the far end must see it: our inner credentials and candidate, ICE-lite. */
    forFarEnd(sdp: string): string {
      appUfrag = /^a=ice-ufrag:(\S+)$/m.exec(sdp)?.[1];
      return asLitePeer(sdp, towardFarEnd, innerPort, mid && { from: mid.app, to: mid.farEnd });
    },
    /** The media section's name as each side knows it, when they differ. */
    remapMid(next: { app: string; farEnd: string } | undefined): void {
      mid = next && next.app !== next.farEnd ? next : undefined;
    },
    impair(next: Impairment): void {
      settings = settingsOf(next);
    },
    /** Swallows everything from now on, checks included, as when the caller's network drops. */
    cut(): void {
      blackhole = true;
    },
    close(): void {
      if (closed) return;
      closed = true;
      outer.close();
      inner.close();
    },
  };
}

export type IceLiteFront = Awaited<ReturnType<typeof startIceLiteFront>>;
