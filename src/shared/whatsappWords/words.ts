import { restrictionScope, type AccountAlert } from '../accountAlerts';
import { anyCallErrorSentence, callErrorSentence, KNOWN_CALL_ERROR_CODES } from '../callErrors';

/** A catalogue lookup (i18next's t, the desk's or the board's) over the sections in this folder. */
export type Translate = (key: string, values?: Record<string, unknown>) => string;

/**
 * WhatsApp's words in the agent's language. The main process writes Meta's error codes as English sentences that
 * keep the code ("… (WhatsApp code 138021)"); each such sentence inside a message is swapped for the catalogue's.
 */
export function localizeCallErrors(text: string, t: Translate): string {
  let out = text;
  for (const match of text.matchAll(/\(WhatsApp code (\d+)\)/g)) {
    const code = Number(match[1]);
    const known = KNOWN_CALL_ERROR_CODES.includes(code);
    const english = known ? callErrorSentence(code)! : anyCallErrorSentence(code);
    const sentence = t(`whatsappErrors.${known ? code : 'unknown'}`);
    const translated = t('whatsappErrors.withCode', { sentence, code }) + (known ? '' : '.');
    out = out.replace(english, translated);
  }
  return out.replace(anyCallErrorSentence(undefined), t('whatsappErrors.noCode'));
}

const SCOPE_KEY = {
  business: 'restrictedBusiness',
  user: 'restrictedUser',
  button: 'restrictedButton',
  calling: 'restrictedCalling',
} as const;

function reasonText(reason: string | undefined, t: Translate): string | undefined {
  if (!reason) return undefined;
  if (/LOW_PICKUP_RATE/i.test(reason)) return t('accountAlerts.reasonLowPickup');
  if (/NEGATIVE_FEEDBACK/i.test(reason)) return t('accountAlerts.reasonFeedback');
  return t('accountAlerts.reasonOther', { reason: reason.replace(/_/g, ' ').toLowerCase() });
}

/** One sentence for an alert about the number, e.g. "WhatsApp restricted calling on this number until 12 Dec: …". */
export function accountAlertText(alert: AccountAlert, t: Translate, language: string): string {
  switch (alert.kind) {
    case 'calling_error':
      return localizeCallErrors(anyCallErrorSentence(alert.code), t);
    case 'restriction': {
      let what = t(`accountAlerts.${SCOPE_KEY[restrictionScope(alert.restrictionType)]}`);
      if (alert.expiresAtMs !== undefined) {
        const date = new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : language, {
          day: 'numeric',
          month: 'short',
          timeZone: 'UTC',
        }).format(alert.expiresAtMs);
        what = t('accountAlerts.until', { what, date });
      }
      const reason = reasonText(alert.reason, t);
      return reason ? t('accountAlerts.because', { what, reason }) : t('accountAlerts.plain', { what });
    }
    case 'warning':
      return /LOW_PICKUP_RATE/.test(alert.warning)
        ? t('accountAlerts.lowPickup')
        : t('accountAlerts.warning', { warning: alert.warning });
    case 'settings_changed':
      return t('accountAlerts.settingsChanged');
  }
}
