import { afterEach, describe, expect, it } from 'vitest';
import { BOARD_LANGUAGES, boardI18n } from './i18n';
import { stateLabel } from './agentState';

afterEach(() => boardI18n.changeLanguage('en'));

describe('an agent’s state on the board', () => {
  it('says an agent reserved for a callback holds a callback, in every language, and a ringing call rings', async () => {
    const shown: Record<string, [string, string]> = {};
    for (const { tag } of BOARD_LANGUAGES) {
      await boardI18n.changeLanguage(tag);
      shown[tag] = [stateLabel({ state: 'reserved', holdingCallback: true }), stateLabel({ state: 'reserved' })];
    }
    expect(shown).toEqual({
      en: ['holding a callback', 'ringing'],
      es: ['con una devolución de llamada', 'sonando'],
      'pt-BR': ['com um retorno de chamada', 'tocando'],
      hi: ['कॉलबैक रोके हुए', 'बज रही है'],
      ar: ['يحتفظ بطلب معاودة اتصال', 'يرن'],
    });
  });

  it('keeps the other states as they were: a reason named, a callback flag on no other state', async () => {
    expect(stateLabel({ state: 'not_ready', reason: 'lunch' })).toBe('not ready: lunch');
    expect(stateLabel({ state: 'on_call', holdingCallback: true })).toBe('on call');
    await boardI18n.changeLanguage('es');
    expect(stateLabel({ state: 'available' })).toBe('disponible');
  });
});
