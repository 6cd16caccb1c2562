import { z } from 'zod';

/**
 * The rules an admin's settings or queues save is checked by, each a stable id with its English text: the schemas
 * take their messages from here, the relay's 400 names the id beside that text, and the board words the id itself.
 */
export const SETTINGS_RULES = {
  reasonFormat: 'a reason is 1 to 40 letters (lower-case where the script has cases), digits, spaces, - or _',
  reasonsMin: 'name at least one reason',
  reasonsMax: 'at most 30 reasons',
  reasonTwice: 'a reason is named twice',
  reasonAvailable: '“available” is not a reason for not being ready',
  codeEmpty: 'an outcome code cannot be empty',
  codeTooLong: 'an outcome code has at most 40 characters',
  codesMin: 'name at least one outcome code',
  codesMax: 'at most 30 outcome codes',
  codeTwice: 'an outcome code is named twice',
  codeControl: 'an outcome code is plain text, without control characters',
  queueHoursMax: 'at most 200 queues',
  serviceLevelTarget: 'the service-level target is 1 to 100 %',
  maxWait: 'the longest wait is 5 to 3600 seconds',
  days: 'a number of days',
  wholeDays: 'a whole number of days',
  daysMin: 'at least 1 day',
  daysMax: 'at most 3650 days (10 years)',
  queueId: 'a queue id: lower-case letters, digits, - or _',
  needsMessage: 'the text to send the customer: set "message"',
  clockTime: 'a time of day as HH:MM (00:00 to 24:00)',
  opensBeforeCloses: 'opens before it closes (a period past midnight is two periods)',
  calendarDate: 'a date as YYYY-MM-DD',
  noSuchDate: 'no such date',
  timeZone: 'an IANA time zone name, such as Europe/London',
  keepOneQueue: 'keep at least one queue',
  membersOrFallback: 'name at least one member, tick every agent, or choose a fallback queue',
  memberLevel: 'a level is a whole number from 1 to 10',
  agentId: 'an agent id is 1 to 64 letters A-Z or a-z, digits, - or _, without spaces',
  /** The rules below carry what they name in `params` (their English text names it too). */
  unknownQueue: 'no queue {queue} in the queues file',
  queueTwice: '{id} twice',
  noDefaultQueue: 'no queue {queue}',
  fallbackNotOther: 'fallback {fallback} is not another queue',
  notJson: 'not JSON',
} as const;
export type SettingsRuleId = keyof typeof SETTINGS_RULES;

/** A rule's English text with the values it names. */
const ruleText = (rule: SettingsRuleId, values: Record<string, string> = {}): string =>
  SETTINGS_RULES[rule].replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');

/** A rule whose text names a value: the issue's `params` carry its id and that value (zod keeps them). */
export function ruleIssue(rule: SettingsRuleId, values: Record<string, string>): { message: string; params: object } {
  return { message: ruleText(rule, values), params: { rule, ...values } };
}

/**
 * zod's own checks without a message of ours (a number out of range, a wrong type): named by zod's issue code and
 * what was checked, with the limit in `params`.
 */
export const GENERIC_RULES = [
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minValue',
  'maxValue',
  'wrongType',
  'notAChoice',
  'unknownKey',
  'badFormat',
  'invalid',
] as const;
export type GenericRuleId = (typeof GENERIC_RULES)[number];

/** One problem of a refused save: where (the field's path), which rule, and the values the rule names. */
export const SettingsIssue = z.object({
  path: z.array(z.union([z.string(), z.number()])).max(20),
  rule: z.string().max(40),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type SettingsIssue = z.infer<typeof SettingsIssue>;

/**
 * The relay's 400 to a settings or queues save: `problems` in English with the field's path first (API clients and
 * logs), and the same problems as `issues`, one for one, for a page to word in its reader's language.
 */
export const SettingsRefusal = z.object({
  problems: z.array(z.string()),
  issues: z.array(SettingsIssue).optional(),
});
export type SettingsRefusal = z.infer<typeof SettingsRefusal>;

/** The relay's 200 to a settings or queues save: the version in force, `unchanged` when the save changed nothing. */
export const SettingsSaved = z.object({ version: z.number().int().min(0), unchanged: z.boolean().optional() });
export type SettingsSaved = z.infer<typeof SettingsSaved>;

const RULE_OF_TEXT = new Map(Object.entries(SETTINGS_RULES).map(([id, text]) => [text as string, id]));

/** zod's check that failed, for an issue whose message is zod's own. */
function genericRule(issue: z.core.$ZodIssue): { rule: GenericRuleId; params?: Record<string, string | number> } {
  const unit = (origin: string | undefined) =>
    origin === 'string' ? 'Length' : origin === 'array' || origin === 'set' ? 'Items' : 'Value';
  switch (issue.code) {
    case 'too_small':
      return { rule: `min${unit(issue.origin)}` as GenericRuleId, params: { min: Number(issue.minimum) } };
    case 'too_big':
      return { rule: `max${unit(issue.origin)}` as GenericRuleId, params: { max: Number(issue.maximum) } };
    case 'invalid_type':
      return { rule: 'wrongType' };
    case 'invalid_value':
      return { rule: 'notAChoice', params: { choices: issue.values.map(String).join(', ') } };
    case 'unrecognized_keys':
      return { rule: 'unknownKey', params: { keys: issue.keys.join(', ') } };
    case 'invalid_format':
      return { rule: 'badFormat' };
    default:
      return { rule: 'invalid' };
  }
}

/** The rule whose English text a schema gave an issue as its message, if any. */
export const ruleOfText = (message: string): SettingsRuleId | undefined =>
  RULE_OF_TEXT.get(message) as SettingsRuleId | undefined;

/**
 * zod words a value no branch of a union takes as one issue at the union ("Invalid input"). When one branch took the
 * value's kind and failed inside it (every problem deeper than the union: a member's level of 5.5 in a record of
 * levels, not "*"), its problems are the ones to name, at their own paths; so are those of a record's key.
 */
export function openUnions(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    // A record's key its schema refused (a member's id): the key's own problem, at the key.
    if (issue.code === 'invalid_key')
      return issue.issues.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as z.core.$ZodIssue);
    if (issue.code !== 'invalid_union') return [issue];
    const inside = issue.errors.filter((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0));
    if (inside.length !== 1) return [issue];
    return openUnions(inside[0]!).map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as z.core.$ZodIssue);
  });
}

/** Which rule an issue broke: named in its params, or the one whose text the schema gave it, or zod's own check. */
function issueOf(issue: z.core.$ZodIssue): SettingsIssue {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const { rule, ...params } = ('params' in issue ? (issue.params ?? {}) : {}) as Record<string, string>;
  if (rule && rule in SETTINGS_RULES) return { path, rule, params };
  const named = RULE_OF_TEXT.get(issue.message);
  return named ? { path, rule: named } : { path, ...genericRule(issue) };
}

/** Each problem with the field it concerns first (`notReadyReasons.2: …`), and the same as issues. */
export function settingsRefusal(given: readonly z.core.$ZodIssue[]): Required<SettingsRefusal> {
  const issues = openUnions(given);
  return {
    problems: issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`),
    issues: issues.map(issueOf),
  };
}

/** A refusal not from a schema (the body is not JSON, a queue the relay does not have). */
export function ruleRefusal(
  refusals: Array<{ path: Array<string | number>; rule: SettingsRuleId; params?: Record<string, string> }>,
  root = '(settings)',
): Required<SettingsRefusal> {
  return {
    problems: refusals.map((r) => `${r.path.join('.') || root}: ${ruleText(r.rule, r.params)}`),
    issues: refusals.map((r) => ({ path: r.path, rule: r.rule, ...(r.params && { params: r.params }) })),
  };
}
