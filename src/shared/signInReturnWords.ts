/**
 * The one page the desk's loopback listener shows in the system browser once the relay sends it back: the desk's
 * window says what happened, so the tab only sends the person back there. Chosen by the browser's Accept-Language.
 */
export const SIGN_IN_RETURN_WORDS = {
  en: { title: 'WhatsApp Softphone', done: 'You can close this tab and return to the phone.' },
  es: { title: 'WhatsApp Softphone', done: 'Puedes cerrar esta pestaña y volver al teléfono.' },
  'pt-BR': { title: 'WhatsApp Softphone', done: 'Você pode fechar esta aba e voltar ao telefone.' },
  hi: { title: 'WhatsApp Softphone', done: 'आप यह टैब बंद करके फ़ोन पर लौट सकते हैं।' },
  ar: { title: 'WhatsApp Softphone', done: 'يمكنك إغلاق علامة التبويب هذه والعودة إلى الهاتف.' },
} as const;

export type SignInReturnLanguage = keyof typeof SIGN_IN_RETURN_WORDS;

/** The first of the browser's languages the page has (pt-PT falls to pt-BR), else English. */
export function signInReturnLanguage(acceptLanguage: string | undefined): SignInReturnLanguage {
  const tags = Object.keys(SIGN_IN_RETURN_WORDS) as SignInReturnLanguage[];
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part) => part.split(';')[0]!.trim().toLowerCase())
    .filter(Boolean);
  for (const tag of wanted) {
    const exact = tags.find((t) => t.toLowerCase() === tag);
    if (exact) return exact;
    const base = tags.find((t) => t.split('-')[0] === tag.split('-')[0]);
    if (base) return base;
  }
  return 'en';
}
