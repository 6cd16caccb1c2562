import type { CallHoursProblem } from '../../../shared/callingSettings';
import { WEEK_DAYS } from '../../../shared/callingSettings';

type Translate = (key: string, values?: Record<string, unknown>) => string;

/** A weekday as the interface language names it (1 January 2024 was a Monday). */
export const dayName = (day: string, language: string) =>
  new Intl.DateTimeFormat(language, { weekday: 'long', timeZone: 'UTC' }).format(
    Date.UTC(2024, 0, 1 + (WEEK_DAYS as readonly string[]).indexOf(day)),
  );

/** What WhatsApp would refuse in the call hours, in the agent's language, the weekday named in it too. */
export function callHoursProblemText(problem: CallHoursProblem, t: Translate, language: string): string {
  const values = { ...problem.values };
  if (values.day !== undefined) values.day = dayName(values.day, language);
  return t(`callHoursProblems.${problem.key}`, values);
}
