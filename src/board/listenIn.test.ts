import { afterEach, describe, expect, it } from 'vitest';
import { boardI18n } from './i18n';
import { createListenIn, type ListenView } from './listenIn';

afterEach(() => boardI18n.changeLanguage('en'));

function listening() {
  const shown: ListenView[] = [];
  const listenIn = createListenIn({
    send: () => undefined,
    show: (view) => shown.push(view),
    audio: {} as HTMLAudioElement,
  });
  listenIn.start('wacid.1', 'asha’s call with +447700900001');
  return { listenIn, said: () => shown.at(-1)?.text };
}

describe('the listening panel when the supervisor barges in', () => {
  it('says the customer is on hold and hears nobody while they are, and both hear once the agent takes them back', () => {
    const { listenIn, said } = listening();
    listenIn.onCustomerHeld('wacid.1', true);
    listenIn.onListening('wacid.1', true, 'barge');
    expect(said()).toBe(
      'On asha’s call with +447700900001: the agent hears you. The customer is on hold and hears nobody until the agent takes them back.',
    );
    listenIn.onCustomerHeld('wacid.1', false);
    expect(said()).toBe('On asha’s call with +447700900001: the customer and the agent hear you.');
    listenIn.onCustomerHeld('wacid.1', true);
    expect(said()).toMatch(/The customer is on hold/);
  });

  it('follows only the call listened to, and says nothing new while only listening', () => {
    const { listenIn, said } = listening();
    listenIn.onListening('wacid.1', false, 'listen');
    const before = said();
    listenIn.onCustomerHeld('wacid.other', true);
    listenIn.onCustomerHeld('wacid.1', true);
    expect(said()).toBe(before);
  });
});

describe('the Listen cell of the call listened to', () => {
  it('says what the line does now: listening, whispering or barged in; other calls keep the button’s word', () => {
    const { listenIn } = listening();
    listenIn.onListening('wacid.1', false, 'listen');
    expect(listenIn.cellText('wacid.1')).toBe('Listening');
    listenIn.onListening('wacid.1', false, 'whisper');
    expect(listenIn.cellText('wacid.1')).toBe('Whispering');
    listenIn.onListening('wacid.1', true, 'barge');
    expect(listenIn.cellText('wacid.1')).toBe('Barged in');
    expect(listenIn.cellText('wacid.2')).toBe('Listen');
  });
});
