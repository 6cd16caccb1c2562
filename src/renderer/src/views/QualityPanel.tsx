import { useTranslation } from 'react-i18next';
import { WARNING_LIMITS, qualityWarnings, type QualitySample } from '../../../shared/callQuality';

const fmt = (v: number | undefined, digits = 0) => (v === undefined ? '–' : v.toFixed(digits));

/**
 * The call's quality in one plain sentence for the agent ("Call quality: good", "The caller's connection is
 * poor"); the figures and which limit each one crossed behind Details, for whoever needs them.
 */
export function QualityPanel({ quality }: { quality?: QualitySample }) {
  const { t } = useTranslation();
  const warnings = quality ? qualityWarnings(quality) : [];
  const poor = warnings.length > 0;
  return (
    <div className="quality" data-testid="quality" data-mos={quality?.mos ?? ''} data-warnings={warnings.join(',')}>
      {quality && (
        <p
          className={poor ? 'warning quality-summary' : 'quality-summary'}
          role="status"
          data-testid="quality-summary"
          data-poor={poor ? 'yes' : 'no'}
        >
          {t(poor ? 'quality.poor' : 'quality.good')}
        </p>
      )}
      <details data-testid="quality-details">
        <summary>{t('quality.details')}</summary>
        <p className="quality-figures">
          <span title={t('quality.rttTitle')}>RTT {fmt(quality?.rttMs)} ms</span>
          <span>
            {t('quality.jitterLabel')} {fmt(quality?.jitterMs, 1)} ms
          </span>
          <span>
            {t('quality.lossLabel')} {fmt(quality?.lossPct, 1)} %
          </span>
          <span>MOS {fmt(quality?.mos, 2)}</span>
        </p>
        {warnings.map((w) => (
          <p key={w} className="warning" data-testid={`quality-warning-${w}`}>
            {t(`quality.${w}`, { value: WARNING_LIMITS[w] })}
          </p>
        ))}
      </details>
    </div>
  );
}
