/**
 * The numbering systems whose digits people type in our languages: Arabic-Indic (Arabic), Eastern Arabic-Indic
 * (Persian and Urdu keyboards), Devanagari (Hindi), Bengali, and full-width digits (East Asian input methods).
 */
const NUMBERING_SYSTEMS = ['arab', 'arabext', 'deva', 'beng', 'fullwide'] as const;

/** Each such digit to its ASCII digit, read from Intl's own numbering systems rather than written out by hand. */
const DIGITS = new Map<string, string>(
  NUMBERING_SYSTEMS.flatMap((system) => {
    const format = new Intl.NumberFormat(`en-u-nu-${system}`, { useGrouping: false });
    return Array.from({ length: 10 }, (_, d) => [format.format(d), String(d)] as [string, string]);
  }).filter(([native, ascii]) => native !== ascii),
);
const NATIVE_DIGIT = new RegExp(`[${[...DIGITS.keys()].join('')}]`, 'gu');

/** The text with every digit of those systems written as an ASCII digit; everything else left as it is. */
export function asciiDigits(text: string): string {
  return text.replace(NATIVE_DIGIT, (digit) => DIGITS.get(digit) ?? digit);
}
