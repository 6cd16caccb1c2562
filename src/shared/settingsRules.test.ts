import { describe, expect, it } from 'vitest';
import { SETTINGS_RULES, settingsRefusal } from './settingsRules';
import { QueuesChange } from './queueSettings';
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

  it('names a member’s id that could never be an agent’s (a space, markup) at the member, by the agentId rule', () => {
    const parsed = QueuesChange.safeParse({
      queues: [{ id: 'support', name: 'Support', agents: { asha: 2, 'Ben Smith': 3, 'BEN ': 1, '<b>x</b>': 1 } }],
      basedOn: 0,
    });
    expect(parsed.success).toBe(false);
    const text = 'an agent id is 1 to 64 letters A-Z or a-z, digits, - or _, without spaces';
    expect(settingsRefusal(parsed.error!.issues)).toEqual({
      problems: [
        `queues.0.agents.Ben Smith: ${text}`,
        `queues.0.agents.BEN : ${text}`,
        `queues.0.agents.<b>x</b>: ${text}`,
      ],
      issues: ['Ben Smith', 'BEN ', '<b>x</b>'].map((id) => ({ path: ['queues', 0, 'agents', id], rule: 'agentId' })),
    });
  });

  it('names a member’s level that is no whole number, or no number, at the member, not as the union’s “Invalid input”', () => {
    const queue = (agents: unknown) => ({ id: 'support', name: 'Support', routing: 'ring_all', agents });
    const parsed = QueuesChange.safeParse({
      queues: [queue({ asha: 9, ben: 5.5 }), queue({ cara: '' }), queue('everyone')],
      basedOn: 0,
    });
    expect(parsed.success).toBe(false);
    expect(settingsRefusal(parsed.error!.issues)).toEqual({
      problems: [
        'queues.0.agents.ben: a level is a whole number from 1 to 10',
        'queues.1.agents.cara: a level is a whole number from 1 to 10',
        'queues.2.agents: Invalid input',
      ],
      issues: [
        { path: ['queues', 0, 'agents', 'ben'], rule: 'memberLevel' },
        { path: ['queues', 1, 'agents', 'cara'], rule: 'memberLevel' },
        { path: ['queues', 2, 'agents'], rule: 'invalid' },
      ],
    });
  });
});
