import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallbackOffer } from '../../../shared/ipcContract';
import { passCallback, takeCallback } from '../actions';
import { usePhone } from '../store';
import { resultText } from './Said';
import { Say } from './Say';
import { customerNumber } from './format';
import { formatWhen } from '../i18n';

/**
 * A customer's callback the team offers this agent: call them back now, or pass it to a colleague. Taken but not
 * called (a check failed before the call went out), it says so and offers Try again and Pass.
 */
function CallbackCard({ offer, problem }: { offer: CallbackOffer; problem?: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const act = async (action: () => Promise<{ ok: true } | { ok: false; error: string }>) => {
    setBusy(true);
    usePhone.setState({ callbackNotice: undefined });
    const result = await action();
    setBusy(false);
    if (!result.ok)
      usePhone.setState({ callbackNotice: { callbackId: offer.callbackId, text: resultText(result, t) } });
  };
  const customer = customerNumber(offer.customer) || offer.customer;
  const since = formatWhen(offer.waitingSinceMs, 'time');
  return (
    <section className="card callback-offer" data-testid="callback-offer" data-callback-id={offer.callbackId}>
      <h2>
        <Say k="callbacks.title" values={{ customer }} ltr={['customer']} />
      </h2>
      <p>
        {t('callbacks.since', { queue: offer.queue, time: since })}
        {offer.attempts > 0 && ` ${t('callbacks.attempts', { count: offer.attempts })}`}
      </p>
      {/* Offered after a permission request only once the customer allowed calls (the relay waits for that). */}
      {offer.lastFailure === 'permission_requested' && !offer.inHand && (
        <p data-testid="callback-permission-given">{t('callbacks.permissionGiven')}</p>
      )}
      {offer.inHand && !busy && (
        <p role="alert" className="problem" data-testid="callback-not-placed">
          {problem && `${problem} `}
          {t('callbacks.notPlaced')}
        </p>
      )}
      <div className="actions">
        <button
          type="button"
          disabled={busy}
          onClick={() => void act(() => takeCallback(offer.callbackId, offer.customer))}
        >
          {t(offer.inHand ? 'callbacks.tryAgain' : 'callbacks.call')}
        </button>
        <button type="button" disabled={busy} onClick={() => void act(() => passCallback(offer.callbackId))}>
          {t('callbacks.pass')}
        </button>
      </div>
    </section>
  );
}

/** The callbacks the team offers this agent now, the oldest call first. */
export function CallbackOffers() {
  const offers = usePhone((s) => s.callbackOffers);
  const notice = usePhone((s) => s.callbackNotice);
  // A callback still in hand says why on its card; one that left the list (or came back offered) says it here.
  const onCard = notice && offers.some((o) => o.callbackId === notice.callbackId && o.inHand);
  return (
    <>
      {offers.map((offer) => (
        <CallbackCard
          key={offer.callbackId}
          offer={offer}
          problem={notice?.callbackId === offer.callbackId ? notice.text : undefined}
        />
      ))}
      {notice && !onCard && (
        <p role="alert" className="problem" data-testid="callback-notice">
          {notice.text}
        </p>
      )}
    </>
  );
}

/**
 * A callback offered while the agent is on History or Settings: as a ringing call's bar does, this says whose it
 * is, and the card (with Call back now and Pass) is one click away. The team holds the agent for it meanwhile.
 */
export function CallbackBar() {
  const { t } = useTranslation();
  const first = usePhone((s) => s.callbackOffers[0]);
  const setTab = usePhone((s) => s.setTab);
  if (!first) return null;
  const customer = customerNumber(first.customer) || first.customer;
  return (
    <section className="call-bar" data-testid="callback-bar" aria-label={t('callbacks.barLabel')}>
      <strong>
        <Say k={first.inHand ? 'callbacks.barInHand' : 'callbacks.bar'} values={{ customer }} ltr={['customer']} />
      </strong>
      <button type="button" data-testid="callback-bar-show" onClick={() => setTab('phone')}>
        {t('callbacks.show')}
      </button>
    </section>
  );
}
