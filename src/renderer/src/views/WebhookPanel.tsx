import { useTranslation } from 'react-i18next';
import { usePhone } from '../store';
import { whenOptions } from '../i18n';

function CopyRow({ label, value, testId }: { label: string; value?: string; testId: string }) {
  const { t } = useTranslation();
  return (
    <div className="copy-row">
      <span>{label}</span>
      <code data-testid={testId} dir="ltr">
        {value ?? '–'}
      </code>
      {value && <button onClick={() => void navigator.clipboard?.writeText(value)}>{t('webhook.copy')}</button>}
    </div>
  );
}

export function WebhookPanel() {
  const { t } = useTranslation();
  const webhook = usePhone((s) => s.status?.webhook);
  if (!webhook) return null;
  const tunnelText = {
    // Meta calls only https addresses: the local one is for the agent's own tunnel or proxy, never Meta.
    none: t('webhook.tunnelNone', { url: webhook.localUrl ?? '–' }),
    public_url: t('webhook.tunnelPublicUrl'),
    ngrok: {
      off: t('webhook.tunnelOff'),
      starting: t('webhook.tunnelStarting'),
      up: t('webhook.tunnelUp'),
      error: t('webhook.tunnelError', { error: webhook.tunnelError ?? '' }),
    }[webhook.tunnelState],
  }[webhook.tunnel];
  return (
    <section className="card webhook" data-testid="webhook-panel">
      <h2>{t('webhook.title')}</h2>
      <p data-testid="webhook-server" className={webhook.listening ? 'ok' : 'error'}>
        {webhook.listening ? t('webhook.listening', { url: webhook.localUrl }) : t('webhook.notListening')}
      </p>
      <p data-testid="tunnel-state">{tunnelText}</p>
      <CopyRow label={t('webhook.callbackUrl')} value={webhook.callbackUrl} testId="callback-url" />
      <CopyRow label={t('webhook.verifyToken')} value={webhook.verifyToken} testId="verify-token" />
      <p data-testid="last-event">
        {webhook.lastEventAtMs
          ? t('webhook.lastEvent', whenOptions('at', webhook.lastEventAtMs, 'time'))
          : t('webhook.noEvent')}
        {` · ${t('webhook.accepted', { count: webhook.receivedCount })}, ${t('webhook.refused', { count: webhook.rejectedCount })}`}
      </p>
      {(webhook.otherNumberCount ?? 0) > 0 && (
        <p className="warning" data-testid="other-number">
          {t('webhook.otherNumber', { count: webhook.otherNumberCount })}
        </p>
      )}
      {webhook.lastUnparsed && (
        <details className="warning" data-testid="last-unparsed">
          <summary>{t('webhook.unparsed', { count: webhook.unparsedCount ?? 1 })}</summary>
          <p>{t('webhook.lastUnparsed', { path: webhook.lastUnparsed.path, reason: webhook.lastUnparsed.reason })}</p>
          <pre dir="ltr">{webhook.lastUnparsed.sample}</pre>
        </details>
      )}
      {webhook.lastRejection && (
        <p className="warning" data-testid="last-rejection">
          {t('webhook.lastRejection', { status: webhook.lastRejection.status, reason: webhook.lastRejection.reason })}
        </p>
      )}
    </section>
  );
}
