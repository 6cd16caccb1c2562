import { estimateMos, type QualitySample } from '../../shared/callQuality';
import type { MediaStats } from './rtc/callSession';

/** Interval figures: loss over the last period, not since the call began, so a bad patch shows at once. */
export function qualityFrom(previous: MediaStats | undefined, now: MediaStats): QualitySample {
  const received = now.packetsReceived - (previous?.packetsReceived ?? 0);
  const lost = now.packetsLost - (previous?.packetsLost ?? 0);
  const lossPct = received + lost > 0 ? (Math.max(0, lost) / (received + Math.max(0, lost))) * 100 : 0;
  const rttMs = now.rttMs;
  const jitterMs = now.jitterMs;
  const mos = estimateMos(rttMs ?? 0, jitterMs ?? 0, lossPct);
  return { rttMs, jitterMs, lossPct: Math.round(lossPct * 100) / 100, mos };
}
