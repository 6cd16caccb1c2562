import { enoughCandidates, type GatheredCandidate } from '../../../shared/gatheringEnough';

/**
 * Resolves once the local description holds the candidates WhatsApp needs (see enoughCandidates), or gathering is
 * complete, or the bound has passed. The candidates of one allocation step come together, so waiting one task after the
 * deciding one lets its siblings (other interfaces) into the answer too.
 */
export function waitForCandidates(
  pc: RTCPeerConnection,
  timeoutMs: number,
  turnConfigured: boolean,
  relayOnly = false,
): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const gathered: GatheredCandidate[] = [];
    let settle: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      clearTimeout(timer);
      clearTimeout(settle);
      pc.removeEventListener('icegatheringstatechange', onState);
      pc.removeEventListener('icecandidate', onCandidate);
      resolve();
    };
    const onState = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const onCandidate = (event: RTCPeerConnectionIceEvent) => {
      const candidate = event.candidate;
      if (!candidate) return;
      gathered.push({
        protocol: candidate.protocol ?? '',
        type: candidate.type ?? '',
        address: candidate.address ?? '',
      });
      if (settle === undefined && enoughCandidates(gathered, turnConfigured, relayOnly)) settle = setTimeout(done, 0);
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', onState);
    pc.addEventListener('icecandidate', onCandidate);
  });
}
