/**
 * When an SDP answer for WhatsApp has the candidates that matter, without waiting for Chromium to call gathering
 * "complete": its port allocator adds steps about 50 ms apart (TCP, then relay), so "complete" comes some 120 ms
 * after the UDP host candidates, which all arrive in the first step. WhatsApp's edge is ICE-lite: it never checks
 * toward us, our checks reach it from a host candidate, and it does not speak ICE-TCP, so a TCP candidate adds
 * nothing. A relay candidate does matter where the operator configured TURN (UDP may be blocked): then wait for one.
 * A loopback candidate is never enough: no peer elsewhere can reach it, and a media server that checks toward us
 * (the team's Janus, a full ICE agent) needs an address it can use. A desk told to use relay candidates only (an
 * office that lets no UDP out) has no host candidate at all: a relay candidate is then what it waits for.
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

export function enoughCandidates(gathered: GatheredCandidate[], turnConfigured: boolean, relayOnly = false): boolean {
  if (relayOnly) return gathered.some((c) => c.type === 'relay');
  const udpHost = gathered.some(
    (c) => c.protocol.toLowerCase() === 'udp' && c.type === 'host' && !isLoopback(c.address),
  );
  if (!udpHost) return false;
  return !turnConfigured || gathered.some((c) => c.type === 'relay');
}

/** The TURN addresses among the ICE servers (`turn:` and `turns:` URLs), without their credentials. */
export function turnUrls(iceServers: Array<{ urls: string | string[] }>): string[] {
  return iceServers
    .flatMap((server) => (Array.isArray(server.urls) ? server.urls : [server.urls]))
    .filter((url) => /^turns?:/i.test(url));
}

/** Whether the ICE servers include a TURN server (a `turn:` or `turns:` URL). */
export function hasTurnServer(iceServers: Array<{ urls: string | string[] }>): boolean {
  return turnUrls(iceServers).length > 0;
}

/**
 * The TURN addresses the agent's network could not reach, when that is why a call's audio failed: TURN was
 * configured and no relay candidate came from any of them. Empty when TURN worked or none was configured.
 */
export function unreachableTurn(
  iceServers: Array<{ urls: string | string[] }>,
  gathered: GatheredCandidate[],
): string[] {
  if (gathered.some((c) => c.type === 'relay')) return [];
  return turnUrls(iceServers);
}
