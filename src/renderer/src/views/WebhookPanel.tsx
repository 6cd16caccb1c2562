import { usePhone } from '../store';

function CopyRow({ label, value, testId }: { label: string; value?: string; testId: string }) {
  return (
    <div className="copy-row">
      <span>{label}</span>
      <code data-testid={testId}>{value ?? '–'}</code>
      {value && <button onClick={() => void navigator.clipboard?.writeText(value)}>Copy</button>}
    </div>
  );
}

export function WebhookPanel() {
  const webhook = usePhone((s) => s.status?.webhook);
  if (!webhook) return null;
  const tunnelText = {
    none: 'Point your own tunnel or proxy at the local address below.',
    public_url: 'Meta reaches you at your public URL.',
    ngrok: {
      off: 'Tunnel off.',
      starting: 'Opening the ngrok tunnel…',
      up: 'ngrok tunnel is up.',
      error: `Tunnel failed: ${webhook.tunnelError ?? ''}`,
    }[webhook.tunnelState],
  }[webhook.tunnel];
  return (
    <section className="card webhook" data-testid="webhook-panel">
      <h2>Webhook</h2>
      <p data-testid="webhook-server" className={webhook.listening ? 'ok' : 'error'}>
        {webhook.listening ? `Listening on ${webhook.localUrl}` : 'Not listening'}
      </p>
      <p data-testid="tunnel-state">{tunnelText}</p>
      <CopyRow
        label="Callback URL for Meta"
        value={webhook.callbackUrl ?? (webhook.tunnel === 'none' ? webhook.localUrl : undefined)}
        testId="callback-url"
      />
      <CopyRow label="Verify token" value={webhook.verifyToken} testId="verify-token" />
      <p data-testid="last-event">
        {webhook.lastEventAtMs
          ? `Last event received ${new Date(webhook.lastEventAtMs).toLocaleTimeString()}`
          : 'No event received yet'}
        {` · ${webhook.receivedCount} accepted, ${webhook.rejectedCount} refused`}
      </p>
      {(webhook.otherNumberCount ?? 0) > 0 && (
        <p className="warning" data-testid="other-number">
          {webhook.otherNumberCount} event(s) for another phone number were ignored: check that Meta sends this
          number&apos;s webhooks here and that the phone number ID in Settings is right.
        </p>
      )}
      {webhook.lastUnparsed && (
        <details className="warning" data-testid="last-unparsed">
          <summary>
            {webhook.unparsedCount} part(s) of Meta&apos;s deliveries could not be read and were skipped; the rest of
            each delivery was handled.
          </summary>
          <p>
            Last: {webhook.lastUnparsed.path}: {webhook.lastUnparsed.reason}
          </p>
          <pre>{webhook.lastUnparsed.sample}</pre>
        </details>
      )}
      {webhook.lastRejection && (
        <p className="warning" data-testid="last-rejection">
          Last refused request (HTTP {webhook.lastRejection.status}): {webhook.lastRejection.reason}
        </p>
      )}
    </section>
  );
}
