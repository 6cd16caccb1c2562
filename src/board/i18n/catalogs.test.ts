import { describe, expect, it } from 'vitest';
import { catalogProblems, copiedFromEnglish, flatten } from '../../renderer/src/i18n/catalogParity';
import { AuditAction } from '../../shared/auditSchemas';
import { TeamRole } from '../../shared/identityRoles';
import { GENERIC_RULES, SETTINGS_RULES } from '../../shared/settingsRules';
import { BOARD_LANGUAGES, boardI18n, boardPercent, pickBoardLanguage } from './index';

describe('the board’s message catalogues', () => {
  it.each(BOARD_LANGUAGES.map((l) => [l.tag, l.catalog] as const))(
    '%s has every English message, with the same values, and exactly the plural forms its language has',
    (tag, catalog) => {
      expect(catalogProblems(tag, catalog, BOARD_LANGUAGES[0].catalog)).toEqual([]);
    },
  );

  it.each(BOARD_LANGUAGES.slice(1).map((l) => [l.tag, l.catalog] as const))('%s is translated', (_tag, catalog) => {
    const same = copiedFromEnglish(catalog, BOARD_LANGUAGES[0].catalog);
    expect(same.length, same.join(', ')).toBeLessThan(Object.keys(flatten(BOARD_LANGUAGES[0].catalog)).length / 10);
  });

  it('picks the supervisor’s choice, then the browser’s languages, then English; plurals by language', async () => {
    expect(pickBoardLanguage('ar', ['es-ES'])).toBe('ar');
    expect(pickBoardLanguage(null, ['pt-PT', 'en'])).toBe('pt-BR');
    expect(pickBoardLanguage(null, ['de-DE'])).toBe('en');
    await boardI18n.changeLanguage('en');
    expect(boardI18n.t('row.declined', { count: 1 })).toBe('(1 declined)');
    await boardI18n.changeLanguage('ar');
    expect(boardI18n.t('row.declined', { count: 2 })).toBe('(رفضان)');
    await boardI18n.changeLanguage('en');
  });

  it('Arabic calls a queue by one name, قائمة الانتظار, wherever the English says queue', () => {
    const en = flatten(BOARD_LANGUAGES[0].catalog);
    const ar = flatten(BOARD_LANGUAGES.find((l) => l.tag === 'ar')!.catalog);
    const queueWord = /(قائمة|قوائم|قائمتا|قائمتي) ?(ال)?انتظار/;
    const saysQueue = Object.keys(en).filter((k) => /\bqueues?\b/i.test(en[k]!.replace(/{{[^}]*}}/g, '')));
    expect(saysQueue.length).toBeGreaterThan(20);
    expect(saysQueue.filter((k) => !queueWord.test(ar[k]!)).map((k) => `${k}: ${ar[k]}`)).toEqual([]);
    const otherWords = /طابور|طوابير|(قائمة|قوائم|قائمتا|قائمتي|القائمة|القوائم)(?! ?(ال)?انتظار)/;
    expect(Object.entries(ar).filter(([, v]) => otherWords.test(v))).toEqual([]);
  });

  it('Portuguese says em espera only for hold, and chamadas aguardando for calls waiting to be answered', () => {
    const en = flatten(BOARD_LANGUAGES[0].catalog);
    const pt = flatten(BOARD_LANGUAGES.find((l) => l.tag === 'pt-BR')!.catalog);
    const saysWaiting = Object.keys(en).filter((k) => /calls? waiting/i.test(en[k]!));
    expect(saysWaiting.length).toBeGreaterThan(2);
    expect(saysWaiting.filter((k) => !/chamadas? aguardando/i.test(pt[k]!)).map((k) => `${k}: ${pt[k]}`)).toEqual([]);
    const emEsperaNotHold = Object.keys(pt).filter((k) => /em espera/i.test(pt[k]!) && !/\bhold|\bheld/i.test(en[k]!));
    expect(emEsperaNotHold.map((k) => `${k}: ${pt[k]}`)).toEqual([]);
  });

  it('puts no percent sign of its own beside a figure: percentages come formatted in the language (boardPercent)', () => {
    const ownSign = /{{[^}]*}}\s*[%٪]/;
    const found = BOARD_LANGUAGES.flatMap((l) =>
      Object.entries(flatten(l.catalog))
        .filter(([, text]) => ownSign.test(text))
        .map(([key, text]) => `${l.tag} ${key}: ${text}`),
    );
    expect(found).toEqual([]);
  });

  it('writes a percentage as each language does, the table’s and the banner’s alike', async () => {
    const written: Record<string, string> = {};
    for (const { tag } of BOARD_LANGUAGES) {
      await boardI18n.changeLanguage(tag);
      written[tag] =
        `${boardPercent(80)} | ${boardPercent(66.7)} | ${boardI18n.t('tiles.target', { pct: boardPercent(80) })}`;
    }
    await boardI18n.changeLanguage('en');
    expect(written.en).toBe('80% | 66.7% | target 80%');
    expect(written.es).toBe('80\u00a0% | 66,7\u00a0% | objetivo 80\u00a0%');
    expect(written['pt-BR']).toBe('80% | 66,7% | meta 80%');
    expect(written.hi).toBe('80% | 66.7% | लक्ष्य 80%');
    const arabic = new Intl.NumberFormat('ar', { style: 'percent' }).format(0.8);
    expect(written.ar).toBe(
      `${arabic} | ${new Intl.NumberFormat('ar', { style: 'percent', maximumFractionDigits: 1 }).format(0.667)} | الهدف ${arabic}`,
    );
  });

  it('words every rule the relay names in a refused settings or queues save, and no other', () => {
    const { settingsRule } = BOARD_LANGUAGES[0].catalog;
    const rules = [...Object.keys(SETTINGS_RULES), ...GENERIC_RULES, 'problem'];
    expect(Object.keys(settingsRule).sort()).toEqual(rules.sort());
  });

  it('heads the recent calls’ result and outcome columns with words of their own in every language', () => {
    const shared = BOARD_LANGUAGES.filter(({ catalog }) => {
      const words = (text: string) => new Set(text.toLocaleLowerCase().split(/[\s,]+/u));
      const result = words(catalog.col.result);
      return [...words(catalog.col.outcome)].some((w) => result.has(w));
    }).map((l) => `${l.tag}: ${l.catalog.col.result} / ${l.catalog.col.outcome}`);
    expect(shared).toEqual([]);
  });

  it('explains a direct-audio call, under the Listen column, as one nobody can listen to or whisper on', () => {
    const { talkRefused } = BOARD_LANGUAGES[0].catalog;
    expect(talkRefused.direct).toMatch(/cannot listen in or whisper on it/);
  });

  it('words every audited action and every role the audit trail stores', () => {
    const { auditActions, auditRoles } = BOARD_LANGUAGES[0].catalog;
    expect(Object.keys(auditActions).sort()).toEqual([...AuditAction.options].sort());
    expect(Object.keys(auditRoles).sort()).toEqual([...TeamRole.options, 'none'].sort());
  });
});
