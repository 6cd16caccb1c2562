import { boardWhen } from './i18n';

/** When an audit entry happened, in UTC as the chosen days are, the zone named so a time near midnight is not misread. */
export const auditWhen = (ms: number): string =>
  boardWhen(ms, { dateStyle: 'short', timeStyle: 'long', timeZone: 'UTC' });
