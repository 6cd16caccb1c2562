import { describe, expect, it } from 'vitest';
import { accountAlertSentence } from '../../shared/accountAlerts';
import { anyCallErrorSentence, callErrorSentence, KNOWN_CALL_ERROR_CODES } from '../../shared/callErrors';
import { i18n, LANGUAGES } from './i18n';
import { accountAlertText, localizeCallErrors } from '../../shared/whatsappWords/words';

const inLanguage = (tag: string) => i18n.getFixedT(tag);

describe("WhatsApp's words in the agent's language", () => {
  it.each(LANGUAGES.map((l) => [l.tag, l.catalog] as const))(
    '%s has a sentence for every code the phone knows, and the general ones',
    (_tag, catalog) => {
      const errors = (catalog as unknown as { whatsappErrors: Record<string, string> }).whatsappErrors;
      for (const code of KNOWN_CALL_ERROR_CODES) expect(errors[String(code)]?.trim(), String(code)).toBeTruthy();
      expect(Object.keys(errors).sort()).toEqual(
        [...KNOWN_CALL_ERROR_CODES.map(String), 'unknown', 'noCode', 'withCode'].sort(),
      );
    },
  );

  it('shows the English sentences exactly as the main process writes them', () => {
    const t = inLanguage('en');
    for (const code of KNOWN_CALL_ERROR_CODES)
      expect(localizeCallErrors(callErrorSentence(code)!, t)).toBe(callErrorSentence(code));
    expect(localizeCallErrors(anyCallErrorSentence(139999), t)).toBe(anyCallErrorSentence(139999));
    expect(localizeCallErrors(anyCallErrorSentence(undefined), t)).toBe(anyCallErrorSentence(undefined));
  });

  it('swaps every known sentence inside a message for the translation, keeping the code', () => {
    const es = inLanguage('es');
    const message = `The call could not be answered. ${callErrorSentence(131044)}`;
    expect(localizeCallErrors(message, es)).toBe(
      'The call could not be answered. WhatsApp no pudo conectar esta llamada porque la cuenta de empresa no tiene un método de pago válido: pide a tu administrador que añada uno. (código de WhatsApp 131044)',
    );
    expect(localizeCallErrors(anyCallErrorSentence(139999), inLanguage('ar'))).toBe(
      'أبلغ واتساب عن مشكلة في هذه المكالمة (رمز واتساب 139999).',
    );
  });

  it('says a restriction with its expiry and reason, in each language', () => {
    const alert = {
      kind: 'restriction' as const,
      restrictionType: 'RESTRICTED_USER_INITIATED_CALLING',
      reason: 'LOW_PICKUP_RATE',
      expiresAtMs: Date.UTC(2026, 11, 12),
    };
    expect(accountAlertText(alert, inLanguage('en'), 'en')).toBe(
      'WhatsApp restricted calling on this number until 12 Dec: too many missed calls.',
    );
    expect(accountAlertText(alert, inLanguage('en'), 'en')).toBe(accountAlertSentence(alert));
    expect(accountAlertText(alert, inLanguage('es'), 'es')).toBe(
      'WhatsApp restringió las llamadas a este número hasta el 12 dic: demasiadas llamadas perdidas.',
    );
    expect(
      accountAlertText(
        { kind: 'warning', warning: 'USER_INITIATED_CALLS_LOW_PICKUP_RATE' },
        inLanguage('pt-BR'),
        'pt-BR',
      ),
    ).toMatch(/^O WhatsApp avisa/);
  });
});
