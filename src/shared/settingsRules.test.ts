import { describe, expect, it } from 'vitest';
import { SETTINGS_RULES, settingsRefusal } from './settingsRules';
import { TeamSettings } from './teamSettings';

describe('the rules a settings save is checked by', () => {
  it('gives each rule its own text, so the text a schema gave an issue names one rule', () => {
    const texts = Object.values(SETTINGS_RULES);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('names the rule of each problem, one issue per English problem, with the limits of zod’s own checks', () => {
    const parsed = TeamSettings.safeParse({
      notReadyReasons: ['break', 'break'],
      wrapUpCodes: ['x'.repeat(41)],
      boardThresholds: { serviceLevelTargetPct: 101, maxWaitSec: 60 },
    });
    expect(parsed.success).toBe(false);
    expect(settingsRefusal(parsed.error!.issues)).toEqual({
      problems: [
        'notReadyReasons: a reason is named twice',
        'wrapUpCodes.0: an outcome code has at most 40 characters',
        'boardThresholds.serviceLevelTargetPct: Too big: expected number to be <=100',
      ],
      issues: [
        { path: ['notReadyReasons'], rule: 'reasonTwice' },
        { path: ['wrapUpCodes', 0], rule: 'codeTooLong' },
        { path: ['boardThresholds', 'serviceLevelTargetPct'], rule: 'maxValue', params: { max: 100 } },
      ],
    });
  });
});
