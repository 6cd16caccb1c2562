/**
 * When an SDP answer for WhatsApp has the candidates that matter, without waiting for Chromium to call gathering
 * "complete": its port allocator adds steps about 50 ms apart (TCP, then relay), so "complete" comes some 120 ms
 * after the UDP host candidates, which all arrive in the first step. WhatsApp's edge is ICE-lite: it never checks
 * toward us, our checks reach it from a host candidate, and it does not speak ICE-TCP, so a TCP candidate adds
 * nothing. A relay candidate does matter where the operator configured TURN (UDP may be blocked): then wait for one.
 * A loopback candidate is never enough: no peer elsewhere can reach it, and a media server that checks toward us
 * (the team's Janus, a full ICE agent) needs an address it can use.
 */
export interface GatheredCandidate {
  /** `udp` or `tcp`, as the candidate line says. */
  protocol: string;
  /** host, srflx, prflx or relay. */
  type: string;
  /** The candidate's address (an IP or an mDNS name), when known. */
  address?: string;
}

const isLoopback = (address = '') => /^127\./.test(address) || address === '::1';

export function enoughCandidates(gathered: GatheredCandidate[], turnConfigured: boolean): boolean {
  const udpHost = gathered.some(
    (c) => c.protocol.toLowerCase() === 'udp' && c.type === 'host' && !isLoopback(c.address),
  );
  if (!udpHost) return false;
  return !turnConfigured || gathered.some((c) => c.type === 'relay');
}

/** Whether the ICE servers include a TURN server (a `turn:` or `turns:` URL). */
export function hasTurnServer(iceServers: Array<{ urls: string | string[] }>): boolean {
  return iceServers.some((server) =>
    (Array.isArray(server.urls) ? server.urls : [server.urls]).some((url) => /^turns?:/i.test(url)),
  );
}
