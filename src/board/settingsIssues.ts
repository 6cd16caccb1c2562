import { RETENTION_KINDS } from '../shared/retention';
import { SettingsRefusal, type SettingsIssue } from '../shared/settingsRules';
import { BOARD_LANGUAGES, say } from './i18n';
import { refusedSentence } from './relayRefusals';

/** A field of the page by the path the relay names it with (and the rule, where a key is refused); undefined for one
 * the page has no name for. */
export type FieldNamer = (path: SettingsIssue['path'], rule?: string) => (() => string) | undefined;

const knownRules = new Set(Object.keys(BOARD_LANGUAGES[0].catalog.settingsRule));

/**
 * The relay's refusal of a save (its 400), each problem a function worded in the page's language when shown (so again
 * when the language changes): the field as the page names it, then the rule. A problem whose rule or field the page
 * does not know is shown in the relay's English, as sent.
 */
export function refusalLines(body: unknown, fieldOf: FieldNamer): Array<string | (() => string)> {
  const refusal = SettingsRefusal.safeParse(body);
  if (!refusal.success) return [refusedSentence(400)];
  const { problems, issues = [] } = refusal.data;
  return problems.map((english, i) => {
    const issue = issues[i];
    if (!issue || !knownRules.has(issue.rule)) return english;
    const field = issue.path.length > 0 ? fieldOf(issue.path, issue.rule) : undefined;
    if (issue.path.length > 0 && !field) return english;
    const rule = () => say(`settingsRule.${issue.rule}`, issue.params);
    return field ? () => say('settingsRule.problem', { field: field(), rule: rule() }) : rule;
  });
}

const LISTS: Record<string, string> = { notReadyReasons: 'settingsField.reasons', wrapUpCodes: 'settingsField.codes' };
const THRESHOLDS: Record<string, string> = {
  serviceLevelTargetPct: 'settings.slTarget',
  maxWaitSec: 'settings.maxWait',
};

/** A one-a-line box's entries, trimmed, blank lines left out, with the line (from 1, as typed) each stands on. */
export function boxEntries(text: string): { entries: string[]; typedLines: number[] } {
  const entries: string[] = [];
  const typedLines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    entries.push(line.trim());
    typedLines.push(i + 1);
  });
  return { entries, typedLines };
}

/**
 * The team settings form's fields: a list's entry by the line it was typed on (`typedLines` per list, from
 * boxEntries; the entry's place counted from 1 where not given), a threshold or kept-days box by its label.
 */
export const settingsField =
  (typedLines: Record<string, number[]> = {}): FieldNamer =>
  ([field, item, ...rest]) => {
    if (typeof field !== 'string') return undefined;
    const list = LISTS[field];
    if (list && item === undefined) return () => say(list);
    if (list && typeof item === 'number' && rest.length === 0)
      return () => say('settingsField.line', { field: say(list), line: typedLines[field]?.[item] ?? item + 1 });
    if (field === 'boardThresholds' && item === undefined) return () => say('settings.thresholds');
    if (field === 'boardThresholds' && typeof item === 'string' && THRESHOLDS[item])
      return () => say(THRESHOLDS[item]!);
    if (field === 'retention' && item === undefined) return () => say('retention.heading');
    if (field === 'retention' && typeof item === 'string' && (RETENTION_KINDS as readonly string[]).includes(item))
      return () => say(`retention.${item}`);
    // The hours are JSON the admin typed: the place inside a queue's is named by its keys, as typed.
    if (field === 'queueHours' && item === undefined) return () => say('hours.settingsHeading');
    if (field === 'queueHours' && rest.length === 0) return () => say('settingsField.queueHours', { queue: item });
    if (field === 'queueHours') return () => say('settingsField.queueHoursAt', { queue: item, where: rest.join('.') });
    return undefined;
  };
