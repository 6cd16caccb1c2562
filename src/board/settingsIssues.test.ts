import { afterEach, describe, expect, it } from 'vitest';
import { settingsRefusal } from '../shared/settingsRules';
import { TeamSettingsChange } from '../shared/teamSettings';
import { boardI18n } from './i18n';
import { boxEntries, refusalLines, settingsField } from './settingsIssues';

/** The relay's 400 body for a settings change, as boardApi builds it from the schema. */
function refusalOf(change: unknown): unknown {
  const parsed = TeamSettingsChange.safeParse(change);
  if (parsed.success) throw new Error('expected a refusal');
  return JSON.parse(JSON.stringify(settingsRefusal(parsed.error.issues)));
}
const shown = (lines: Array<string | (() => string)>) => lines.map((l) => (typeof l === 'string' ? l : l()));

afterEach(() => boardI18n.changeLanguage('en'));

describe('a relay’s refusal of a settings save, as the page words it', () => {
  it('names each field as the page does and words each rule in the reader’s language, again when it changes', async () => {
    const lines = refusalLines(
      refusalOf({
        notReadyReasons: ['break', 'Break!'],
        boardThresholds: { serviceLevelTargetPct: 0, maxWaitSec: 60 },
        retention: { notes: 1.5 },
      }),
      settingsField(),
    );
    await boardI18n.changeLanguage('es');
    expect(shown(lines)).toEqual([
      'Motivos de no disponible, línea 2: un motivo tiene de 1 a 40 letras (minúsculas donde la escritura las distingue), dígitos, espacios, - o _',
      'Objetivo de nivel de servicio (%): el objetivo de nivel de servicio va de 1 a 100 %',
      'Notas (notas de cierre y el traspaso del asistente): un número entero de días',
    ]);
    await boardI18n.changeLanguage('en');
    expect(shown(lines)[2]).toBe('Notes (wrap-up notes and the assistant’s hand-over): a whole number of days');
  });

  it('shows the relay’s English for a rule or a field the page does not know, and its own sentence for a body it cannot read', async () => {
    const body = {
      problems: ['wrapUpCodes: a newer rule', 'basedOn: Too small: expected number to be >=0'],
      issues: [
        { path: ['wrapUpCodes'], rule: 'aRuleFromANewerRelay' },
        { path: ['basedOn'], rule: 'minValue', params: { min: 0 } },
      ],
    };
    await boardI18n.changeLanguage('ar');
    expect(shown(refusalLines(body, settingsField()))).toEqual(body.problems);
    expect(shown(refusalLines({ problems: ['(settings): not JSON'] }, settingsField()))).toEqual([
      '(settings): not JSON',
    ]);
    expect(shown(refusalLines('<html>', settingsField()))).toEqual([
      'رفض المُرحِّل التغيير (HTTP 400): حاول مرة أخرى؛ وإن تكرّر ذلك فسجلّ المُرحِّل يذكر السبب.',
    ]);
  });

  it('names a list’s entry by the line it was typed on, blank lines counted', () => {
    const typed = boxEntries('break\n\n  \nLunch!\n');
    expect(typed).toEqual({ entries: ['break', 'Lunch!'], typedLines: [1, 4] });
    const lines = refusalLines(
      refusalOf({ notReadyReasons: typed.entries, boardThresholds: { serviceLevelTargetPct: 80, maxWaitSec: 60 } }),
      settingsField({ notReadyReasons: typed.typedLines }),
    );
    expect(shown(lines)[0]).toMatch(/^Not-ready reasons, line 4: /);
  });
});
