import { QUALITY_LIMITS, qualityWarnings, type QualitySample } from '../../../shared/callQuality';

const WARNING_TEXT = {
  rtt: `Delay above ${QUALITY_LIMITS.rttMs} ms`,
  jitter: `Jitter above ${QUALITY_LIMITS.jitterMs} ms`,
  loss: `Packet loss above ${QUALITY_LIMITS.lossPct} %`,
  mos: `Call quality below ${QUALITY_LIMITS.mos} MOS`,
} as const;

const fmt = (v: number | undefined, digits = 0) => (v === undefined ? '–' : v.toFixed(digits));

export function QualityPanel({ quality }: { quality?: QualitySample }) {
  const warnings = quality ? qualityWarnings(quality) : [];
  return (
    <div className="quality" data-testid="quality" data-mos={quality?.mos ?? ''} data-warnings={warnings.join(',')}>
      <span title="Round-trip time">RTT {fmt(quality?.rttMs)} ms</span>
      <span>Jitter {fmt(quality?.jitterMs, 1)} ms</span>
      <span>Loss {fmt(quality?.lossPct, 1)} %</span>
      <span>MOS {fmt(quality?.mos, 2)}</span>
      {warnings.map((w) => (
        <p key={w} className="warning" role="status" data-testid={`quality-warning-${w}`}>
          {WARNING_TEXT[w]}
        </p>
      ))}
    </div>
  );
}
