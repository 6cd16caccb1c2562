import { afterEach, describe, expect, it } from 'vitest';
import { BOARD_LANGUAGES, boardI18n } from './i18n';
import { agentsOnHold, setStatusHint, stateLabel } from './agentState';

afterEach(() => boardI18n.changeLanguage('en'));

describe('an agent’s state on the board', () => {
  it('says an agent reserved for a callback holds a callback, in every language, and a ringing call rings', async () => {
    const shown: Record<string, [string, string]> = {};
    for (const { tag } of BOARD_LANGUAGES) {
      await boardI18n.changeLanguage(tag);
      shown[tag] = [stateLabel({ state: 'reserved', holdingCallback: true }), stateLabel({ state: 'reserved' })];
    }
    expect(shown).toEqual({
      en: ['Holding a callback', 'Ringing'],
      es: ['Con una devolución de llamada', 'Sonando'],
      'pt-BR': ['Com um retorno de chamada', 'Tocando'],
      hi: ['कॉलबैक रोके हुए', 'बज रही है'],
      ar: ['يحتفظ بطلب معاودة اتصال', 'يرن'],
    });
  });

  it('says the other states as the desk does: capitalised, a reason named, a callback flag on no other state', async () => {
    expect(stateLabel({ state: 'available' })).toBe('Available');
    expect(stateLabel({ state: 'after_call_work' })).toBe('After-call work');
    expect(stateLabel({ state: 'not_ready', reason: 'lunch' })).toBe('Not ready: lunch');
    expect(stateLabel({ state: 'on_call', holdingCallback: true })).toBe('On call');
    await boardI18n.changeLanguage('es');
    expect(stateLabel({ state: 'available' })).toBe('Disponible');
  });

  it('says an agent whose call is on hold is on hold, in every language', async () => {
    const shown: Record<string, [string, string]> = {};
    for (const { tag } of BOARD_LANGUAGES) {
      await boardI18n.changeLanguage(tag);
      shown[tag] = [stateLabel({ state: 'on_call', onHold: true }), stateLabel({ state: 'available', onHold: true })];
    }
    expect(shown).toEqual({
      en: ['On hold', 'Available'],
      es: ['En espera', 'Disponible'],
      'pt-BR': ['Em espera', 'Disponível'],
      hi: ['होल्ड पर', 'उपलब्ध'],
      ar: ['في الانتظار', 'متاح'],
    });
  });
});

describe('a change a supervisor made while the agent is busy', () => {
  it('shows beside the state as pending until the call and its wrap-up are done, in every language', async () => {
    const shown: Record<string, string[]> = {};
    for (const { tag } of BOARD_LANGUAGES) {
      await boardI18n.changeLanguage(tag);
      shown[tag] = [
        stateLabel({ state: 'on_call', chosen: 'not_ready', chosenReason: 'training' }),
        stateLabel({ state: 'after_call_work', chosen: 'not_ready', chosenReason: 'away' }),
      ];
    }
    expect(shown).toEqual({
      en: ['On call · Away after this call: training', 'After-call work · Away after this call'],
      es: ['En llamada · Ausente tras esta llamada: formación', 'Cierre de llamada · Ausente tras esta llamada'],
      'pt-BR': ['Em chamada · Ausente após esta chamada: treinamento', 'Pós-atendimento · Ausente após esta chamada'],
      hi: ['कॉल पर · इस कॉल के बाद दूर: प्रशिक्षण', 'कॉल के बाद का काम · इस कॉल के बाद दूर'],
      ar: ['في مكالمة · غائب بعد هذه المكالمة: تدريب', 'عمل ما بعد المكالمة · غائب بعد هذه المكالمة'],
    });
  });

  it('is not shown once in force, nor for an agent whose choice is Available', () => {
    expect(stateLabel({ state: 'not_ready', reason: 'training', chosen: 'not_ready', chosenReason: 'training' })).toBe(
      'Not ready: training',
    );
    expect(stateLabel({ state: 'on_call', chosen: 'available' })).toBe('On call');
    expect(stateLabel({ state: 'on_call', onHold: true, chosen: 'not_ready', chosenReason: 'lunch' })).toBe(
      'On hold · Away after this call: lunch',
    );
  });
});

describe('the Set Away / Set Available button’s hint while the agent is busy', () => {
  it('says Set Available withdraws a pending Away at once, and that a new Away waits for the call and wrap-up', () => {
    expect(setStatusHint({ state: 'on_call', chosen: 'not_ready' })).toBe(
      'Withdraws the pending Away at once: they are available once their call and wrap-up are done',
    );
    expect(setStatusHint({ state: 'after_call_work', chosen: 'not_ready' })).toMatch(/^Withdraws the pending Away/);
    expect(setStatusHint({ state: 'on_call', chosen: 'available' })).toBe(
      'Takes effect once their call and wrap-up are done',
    );
    expect(setStatusHint({ state: 'reserved' })).toBe('Takes effect once their call and wrap-up are done');
    expect(setStatusHint({ state: 'available' })).toBeUndefined();
    expect(setStatusHint({ state: 'not_ready', chosen: 'not_ready' })).toBeUndefined();
  });
});

describe('agents on hold', () => {
  it('are those whose every call is held, on hold since their latest hold began', () => {
    const onHold = agentsOnHold([
      { agent: 'asha', held: true, heldSinceMs: 5000 },
      { agent: 'asha', held: true, heldSinceMs: 9000 },
      // Held one caller to answer another: on a call.
      { agent: 'ben', held: true, heldSinceMs: 7000 },
      { agent: 'ben' },
      { agent: 'cho' },
    ]);
    expect([...onHold]).toEqual([['asha', 9000]]);
  });
});
