import { isUserId } from '../../../shared/graphSchemas';
import { useState } from 'react';
import type { PermissionReply, PermissionView } from '../../../shared/ipcContract';
import { usePhone } from '../store';
import { dialCall, requestPermission } from '../actions';

const PERMISSION_TEXT: Record<PermissionView['status'], string> = {
  no_permission: 'has not allowed calls from this business',
  temporary: 'allowed calls for a limited time',
  permanent: 'always allows calls',
  unknown: 'permission unknown',
};

function replyText(reply: PermissionReply): string {
  if (reply.response === 'reject') return 'The customer declined to be called.';
  if (reply.permanent) return 'The customer allowed calls from this business. You can call now.';
  const until = reply.expiresAtMs ? ` until ${new Date(reply.expiresAtMs).toLocaleString()}` : '';
  return `The customer allowed calls${until}. You can call now.`;
}

/** Calls a customer back: number in, WhatsApp's call-permission rules explained when they stand in the way. */
export function DialBox({ initial = '' }: { initial?: string }) {
  const [number, setNumber] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [detail, setDetail] = useState<string>();
  const [permission, setPermission] = useState<PermissionView>();
  const [requested, setRequested] = useState<string>();
  const [asking, setAsking] = useState(false);
  // A number is dialled as its digits; a customer known only by user ID (Call back from the history) as that ID.
  const replies = usePhone((s) => s.permissionReplies);
  const digits = isUserId(number.trim()) ? number.trim() : number.replace(/[^\d]/g, '');

  const reply = replies[digits];

  async function call(): Promise<void> {
    setBusy(true);
    setError(undefined);
    setDetail(undefined);
    setPermission(undefined);
    setRequested(undefined);
    const result = await dialCall(digits);
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
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
      setRequested('Permission request sent. You can call once the customer accepts.');
      // WhatsApp allows one request a day: the button goes once it has been used.
      setPermission((p) => p && { ...p, canRequest: false });
    } else {
      setError(result.error);
      setDetail(result.detail);
    }
  }

  return (
    <section className="card dial" data-testid="dial-box">
      <h2>Call a customer</h2>
      <form
        className="dial-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy && digits.length >= 6) void call();
        }}
      >
        <input
          aria-label="WhatsApp number to call"
          data-testid="dial-number"
          type="tel"
          placeholder="WhatsApp number with country code"
          value={number}
          onChange={(e) => setNumber(e.target.value)}
        />
        <button className="answer" type="submit" data-testid="dial-call" disabled={busy || digits.length < 6}>
          {busy ? 'Calling…' : 'Call'}
        </button>
      </form>
      {error && (
        <p className="error" role="alert" data-testid="dial-error">
          {error}
        </p>
      )}
      {error && detail && (
        <details className="detail" data-testid="dial-error-detail">
          <summary>Details</summary>
          <code>{detail}</code>
        </details>
      )}
      {permission && (
        <p data-testid="dial-permission">
          The customer {PERMISSION_TEXT[permission.status]}.
          {permission.canRequest && (
            <button data-testid="dial-request-permission" disabled={asking} onClick={() => void ask()}>
              {asking ? 'Asking…' : 'Ask for permission'}
            </button>
          )}
          {permission.nextRequestAtMs !== undefined && (
            <span data-testid="dial-next-request">
              {' '}
              You can ask again after {new Date(permission.nextRequestAtMs).toLocaleString()}.
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
          {replyText(reply)}
        </p>
      )}
    </section>
  );
}
