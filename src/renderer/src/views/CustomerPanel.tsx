import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { crmLink } from '../../../shared/crmLink';
import { isUserId } from '../../../shared/graphSchemas';
import type { CustomerSummary } from '../../../shared/historySchemas';
import type { CallView } from '../../../shared/ipcContract';
import { customerSummary, openExternal } from '../actions';
import { usePhone } from '../store';
import { whenOptions } from '../i18n';
import { outcomeLabel } from './format';
import { Say } from './Say';

/** Who is calling, from this desk's history: earlier calls, the last outcome and notes, and the CRM page. */
export function CustomerPanel({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const [summary, setSummary] = useState<CustomerSummary>();
  const prefs = usePhone((s) => s.status?.preferences);
  const popped = useRef(false);
  useEffect(() => {
    // Asked once the page is idle: while a call rings, building its answer comes first (within 300 ms anyway).
    let gone = false;
    const ask = () =>
      void customerSummary(call.from, call.callId).then(
        (s) => !gone && setSummary(s),
        () => undefined,
      );
    const idle = window.requestIdleCallback?.(ask, { timeout: 300 });
    const timer = idle === undefined ? setTimeout(ask, 0) : undefined;
    return () => {
      gone = true;
      if (idle !== undefined) window.cancelIdleCallback(idle);
      clearTimeout(timer);
    };
  }, [call.from, call.callId]);
  const phone = isUserId(call.from) ? undefined : call.from;
  const link = crmLink(prefs?.crmUrlTemplate, {
    phone,
    userId: call.customerUserId ?? (isUserId(call.from) ? call.from : undefined),
    name: call.callerName,
  });
  // Screen pop: the CRM page opens by itself once, when the call is answered.
  useEffect(() => {
    if (link && prefs?.crmScreenPop && call.phase === 'active' && !popped.current) {
      popped.current = true;
      void openExternal(link);
    }
  }, [link, prefs?.crmScreenPop, call.phase]);
  if (!summary) return null;
  const last = summary.last;
  // The team's line counts this desk's calls too: beside it, the desk's own count would only say it again.
  const teamSaysIt = summary.team !== undefined && summary.team.earlierCalls > 0;
  return (
    <div className="customer" data-testid="customer-panel" data-earlier={summary.earlierCalls}>
      {!teamSaysIt && (
        <p data-testid="customer-history">
          {summary.earlierCalls === 0
            ? t('customer.first')
            : t('customer.earlier', {
                count: summary.earlierCalls,
                ...whenOptions('when', last!.offeredAtMs, 'dateTime'),
              })}
          {last?.outcome && (
            <>
              {' · '}
              <bdi>{outcomeLabel(last.outcome, t)}</bdi>
            </>
          )}
        </p>
      )}
      {last?.notes && (
        <p className="notice" data-testid="customer-notes" dir="auto">
          {last.notes}
        </p>
      )}
      {summary.team && summary.team.earlierCalls > 0 && (
        <p data-testid="customer-team-history">
          {/* A last call nobody answered (the queue turned it away, a missed call) names no colleague. */}
          <Say
            k={summary.team.last!.agent === undefined ? 'customer.teamUnanswered' : 'customer.team'}
            values={summary.team.last!.agent === undefined ? {} : { agent: summary.team.last!.agent }}
            options={{ count: summary.team.earlierCalls, ...whenOptions('when', summary.team.last!.atMs, 'dateTime') }}
          />
          {summary.team.last?.outcome && (
            <>
              {' · '}
              <bdi>{outcomeLabel(summary.team.last.outcome, t)}</bdi>
            </>
          )}
          {summary.team.last?.notes && (
            <>
              {' · '}
              <bdi>{summary.team.last.notes}</bdi>
            </>
          )}
        </p>
      )}
      {link && (
        <button data-testid="open-crm" onClick={() => void openExternal(link)}>
          {t('customer.openCrm')}
        </button>
      )}
    </div>
  );
}
