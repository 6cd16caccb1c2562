import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { isUserId } from '../../../shared/graphSchemas';
import { asciiDigits } from '../../../shared/asciiDigits';
import { useEffect, useRef, useState } from 'react';
import { IDLE_WHEN_EMPTY, landFocus } from '../focusRules';
import type { PermissionReply, PermissionView } from '../../../shared/ipcContract';
import { usePhone } from '../store';
import { dialCall, requestPermission } from '../actions';
import { whenOptions } from '../i18n';
import { resultText } from './Said';

function replyText(reply: PermissionReply, t: TFunction): string {
  if (reply.response === 'reject') return t('dial.replyDeclined');
  if (reply.permanent) return t('dial.replyAcceptedAlways');
  if (!reply.expiresAtMs) return t('dial.replyAcceptedOpen');
  return t('dial.replyAccepted', whenOptions('until', reply.expiresAtMs, 'dateTime'));
}

/**
 * Calls a customer back: number in, WhatsApp's call-permission rules explained when they stand in the way. `land`:
 * the box comes back after a step whose button is gone (Save on the last wrap-up, Call back), so the number takes
 * the focus.
 */
export function DialBox({ initial = '', land = false }: { initial?: string; land?: boolean }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (land) landFocus(input.current, true);
  }, [land]);
  const [number, setNumber] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [detail, setDetail] = useState<string>();
  const [permission, setPermission] = useState<PermissionView>();
  const [requested, setRequested] = useState<string>();
  const [asking, setAsking] = useState(false);
  const askCapture = usePhone((s) => s.status?.preferences.capture?.mode === 'ask');
  const [capture, setCapture] = useState(false);
  // A number is dialled as its digits; a customer known only by user ID (Call back from the history) as that ID.
  const replies = usePhone((s) => s.permissionReplies);
  // Digits typed in Arabic-Indic or Devanagari are dialled as the number they are.
  const digits = isUserId(number.trim()) ? number.trim() : asciiDigits(number).replace(/[^\d]/g, '');

  const reply = replies[digits];

  async function call(): Promise<void> {
    setBusy(true);
    setError(undefined);
    setDetail(undefined);
    setPermission(undefined);
    setRequested(undefined);
    const result = await dialCall(digits, askCapture ? capture : undefined);
    setBusy(false);
    if (!result.ok) {
      setError(resultText(result, t));
      setDetail(result.detail);
      setPermission(result.permission);
    }
  }

  async function ask(): Promise<void> {
    setAsking(true);
    const result = await requestPermission(digits);
    setAsking(false);
    // A refused request is an error to act on, not a status: it replaces the reason the call did not go.
    if (result.ok) {
      setRequested(t('dial.requested'));
      // WhatsApp allows one request a day: the button goes once it has been used.
      setPermission((p) => p && { ...p, canRequest: false });
    } else {
      setError(resultText(result, t));
      setDetail(result.detail);
    }
  }

  return (
    <section className="card dial" data-testid="dial-box">
      <h2>{t('dial.title')}</h2>
      <form
        className="dial-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy && digits.length >= 6) void call();
        }}
      >
        <input
          ref={input}
          aria-label={t('dial.number')}
          data-testid="dial-number"
          {...{ [IDLE_WHEN_EMPTY]: '' }}
          type="tel"
          // A number reads left to right in any language; the hint before it follows the page.
          dir={number ? 'ltr' : undefined}
          placeholder={t('dial.placeholder')}
          value={number}
          onChange={(e) => setNumber(e.target.value)}
        />
        <button className="answer" type="submit" data-testid="dial-call" disabled={busy || digits.length < 6}>
          {busy ? t('dial.calling') : t('dial.call')}
        </button>
      </form>
      {askCapture && (
        <label className="radio">
          <input
            type="checkbox"
            data-testid="dial-capture"
            checked={capture}
            onChange={(e) => setCapture(e.target.checked)}
          />
          {t('incoming.captureThisCall')}
        </label>
      )}
      {error && (
        <p className="error" role="alert" data-testid="dial-error">
          {error}
        </p>
      )}
      {error && detail && (
        <details className="detail" data-testid="dial-error-detail">
          <summary>{t('dial.details')}</summary>
          <code>{detail}</code>
        </details>
      )}
      {permission && (
        <p data-testid="dial-permission">
          {/* The error above already says they have not allowed calls: the line only offers to ask. */}
          {permission.status !== 'no_permission' && t('dial.customer', { state: t(`dial.${permission.status}`) })}
          {permission.canRequest && (
            <>
              {permission.status !== 'no_permission' && ' '}
              <button data-testid="dial-request-permission" disabled={asking} onClick={() => void ask()}>
                {asking ? t('dial.asking') : t('dial.ask')}
              </button>
            </>
          )}
          {permission.nextRequestAtMs !== undefined && (
            <span data-testid="dial-next-request">
              {' '}
              {t('dial.nextRequest', whenOptions('when', permission.nextRequestAtMs, 'dateTime'))}
            </span>
          )}
        </p>
      )}
      {requested && (
        <p role="status" data-testid="dial-requested">
          {requested}
        </p>
      )}
      {reply && (
        <p role="status" data-testid="dial-permission-reply" className={reply.response === 'accept' ? 'ok' : 'warning'}>
          {replyText(reply, t)}
        </p>
      )}
    </section>
  );
}
