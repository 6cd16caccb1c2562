/**
 * The languages WhatsApp accepts for message templates, by Meta's code (Meta's "Supported languages" page for
 * templates, developers.facebook.com/documentation/business-messaging/whatsapp/templates/supported-languages).
 */
const TEMPLATE_LANGUAGES = [
  'af', 'sq', 'ar', 'az', 'bn', 'bg', 'ca', 'zh_CN', 'zh_HK', 'zh_TW', 'hr', 'cs', 'da', 'nl', 'en', 'en_GB',
  'en_US', 'et', 'fil', 'fi', 'fr', 'de', 'el', 'gu', 'ha', 'he', 'hi', 'hu', 'id', 'ga', 'it', 'ja', 'kn', 'kk',
  'ko', 'lo', 'lv', 'lt', 'mk', 'ms', 'ml', 'mr', 'nb', 'fa', 'pl', 'pt_BR', 'pt_PT', 'pa', 'ro', 'ru', 'sr', 'sk',
  'sl', 'es', 'es_AR', 'es_ES', 'es_MX', 'sw', 'sv', 'ta', 'te', 'th', 'tr', 'uk', 'ur', 'uz', 'vi', 'zu',
]; // prettier-ignore

/** A code such as pt_BR as the language's name in the agent's language ("Portuguese (Brazil)"); the code if unknown. */
export function languageName(code: string, uiLanguage: string): string {
  try {
    return new Intl.DisplayNames([uiLanguage], { type: 'language' }).of(code.replace('_', '-')) ?? code;
  } catch {
    return code;
  }
}

/** A template's language chosen by name; the code is what is stored and sent to WhatsApp. */
export function TemplateLanguageSelect(props: {
  value: string;
  onChange: (code: string) => void;
  uiLanguage: string;
  testId: string;
}) {
  const codes = TEMPLATE_LANGUAGES.includes(props.value) ? TEMPLATE_LANGUAGES : [props.value, ...TEMPLATE_LANGUAGES];
  const named = codes
    .map((code) => ({ code, name: languageName(code, props.uiLanguage) }))
    .sort((a, b) => a.name.localeCompare(b.name, props.uiLanguage));
  return (
    <select data-testid={props.testId} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
      {named.map(({ code, name }) => (
        <option key={code} value={code}>
          {name}
        </option>
      ))}
    </select>
  );
}
