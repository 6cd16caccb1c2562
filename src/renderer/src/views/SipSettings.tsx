import { useTranslation } from 'react-i18next';
import type { SipChange, SipProblem } from '../../../shared/callingSettings';

type Srtp = 'DTLS' | 'SDES';

/**
 * SIP at WhatsApp and how call media keys are exchanged, each with what it means for this phone: with SIP on, calls
 * go to the business's SIP server, not here.
 */
export function SipSettings(props: { sip: SipChange; srtp: Srtp; onChange: (sip: SipChange, srtp: Srtp) => void }) {
  const { t } = useTranslation();
  const { sip, srtp } = props;
  const set = (next: Partial<SipChange>) => props.onChange({ ...sip, ...next }, srtp);
  const on = sip.status === 'ENABLED';
  return (
    <fieldset className="sip-settings" data-testid="calling-sip">
      <legend>{t('callingSip.title')}</legend>
      <label className="radio">
        <input
          type="checkbox"
          data-testid="calling-sip-status"
          checked={on}
          onChange={(e) => set({ status: e.target.checked ? 'ENABLED' : 'DISABLED' })}
        />
        {t('callingSip.sipOn')}
      </label>
      <p className="hint">{t('callingSip.sipMeans')}</p>
      <label className="field">
        <span>{t('callingSip.hostname')}</span>
        <input
          data-testid="calling-sip-hostname"
          value={sip.hostname}
          placeholder="sip.example.com"
          onChange={(e) => set({ hostname: e.target.value })}
        />
      </label>
      <label className="field">
        <span>{t('callingSip.port')}</span>
        <input
          data-testid="calling-sip-port"
          inputMode="numeric"
          value={sip.port}
          placeholder="5061"
          onChange={(e) => set({ port: e.target.value })}
        />
      </label>
      <label className="field">
        <span>{t('callingSip.params')}</span>
        <textarea
          data-testid="calling-sip-params"
          rows={3}
          value={sip.request_uri_user_params}
          onChange={(e) => set({ request_uri_user_params: e.target.value })}
        />
      </label>
      <label className="radio">
        <input
          type="checkbox"
          data-testid="calling-sip-webhooks"
          checked={sip.webhook_delivery === 'ENABLED'}
          onChange={(e) => set({ webhook_delivery: e.target.checked ? 'ENABLED' : 'DISABLED' })}
        />
        {t('callingSip.webhooks')}
      </label>
      <p className="hint">{t('callingSip.webhooksMean')}</p>
      <label className="field">
        <span>{t('callingSip.srtp')}</span>
        <select
          data-testid="calling-srtp"
          value={srtp}
          onChange={(e) => props.onChange(sip, e.target.value === 'SDES' ? 'SDES' : 'DTLS')}
        >
          <option value="DTLS">{t('callingSip.dtls')}</option>
          <option value="SDES">{t('callingSip.sdes')}</option>
        </select>
      </label>
      <p className="hint">{t(srtp === 'SDES' ? 'callingSip.sdesMeans' : 'callingSip.dtlsMeans')}</p>
    </fieldset>
  );
}

/** What WhatsApp would refuse in the SIP settings, in the agent's language. */
export function SipProblems(props: { problems: SipProblem[] }) {
  const { t } = useTranslation();
  if (props.problems.length === 0) return null;
  return (
    <ul className="error" role="alert" data-testid="calling-sip-problems">
      {props.problems.map((p) => (
        <li key={`${p.key}:${JSON.stringify(p.values ?? {})}`}>{t(`callingSip.problems.${p.key}`, p.values ?? {})}</li>
      ))}
    </ul>
  );
}
