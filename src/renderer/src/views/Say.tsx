import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isPhoneNumber } from './format';

/** Private-use marks standing in for a value while i18next words the sentence around it. */
const mark = (i: number) => `\uE000${i}\uE001`;
const MARKS = /\uE000(\d+)\uE001/;

/**
 * A catalogue message whose names, numbers, notes and ids stay whole in either reading direction: each text
 * value goes in its own <bdi> (phone numbers and other `ltr` values always left to right), so an English note
 * keeps its full stop at its end in Arabic and "+44 7700" never reads "7700 44+" (a value that is a phone number is
 * left to right without being named in `ltr`: a caller's name may be their number). Numbers for plurals and moments
 * for dates are worded by i18next as usual.
 */
export function Say({
  k,
  values = {},
  ltr = [],
  options = {},
}: {
  k: string;
  values?: Record<string, string | undefined>;
  ltr?: string[];
  options?: Record<string, unknown>;
}) {
  const { t } = useTranslation();
  const names = Object.keys(values);
  const text = t(k, { ...options, ...Object.fromEntries(names.map((name, i) => [name, mark(i)])) });
  const parts: ReactNode[] = [];
  let rest = text;
  for (let match = MARKS.exec(rest); match; match = MARKS.exec(rest)) {
    const name = names[Number(match[1])]!;
    parts.push(rest.slice(0, match.index));
    parts.push(
      <bdi key={parts.length} dir={ltr.includes(name) || isPhoneNumber(values[name] ?? '') ? 'ltr' : undefined}>
        {values[name] ?? ''}
      </bdi>,
    );
    rest = rest.slice(match.index + match[0].length);
  }
  parts.push(rest);
  return <Fragment>{parts}</Fragment>;
}
