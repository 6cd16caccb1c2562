import { afterEach, describe, expect, it } from 'vitest';
import { BOARD_LANGUAGES, boardI18n } from './i18n';
import { callKind } from './callKind';

afterEach(() => boardI18n.changeLanguage('en'));

describe('a call in progress outside any queue, on the board', () => {
  it('names a queue callback’s call a callback, in every language, and another call an agent placed outbound', async () => {
    const shown: Record<string, [string, string]> = {};
    for (const { tag } of BOARD_LANGUAGES) {
      await boardI18n.changeLanguage(tag);
      shown[tag] = [callKind({ direction: 'outbound', callback: true }), callKind({ direction: 'outbound' })];
    }
    expect(shown).toEqual({
      en: ['callback', 'outbound'],
      es: ['devolución de llamada', 'saliente'],
      'pt-BR': ['retorno de chamada', 'efetuada'],
      hi: ['कॉलबैक', 'बाहर जाने वाली'],
      ar: ['معاودة اتصال', 'صادرة'],
    });
    expect(callKind({ direction: 'inbound' })).toBe('–');
  });
});
