import type { BoardSnapshot } from '../shared/boardSchemas';
import { whatsappWordsAr } from '../shared/whatsappWords/ar';
import { whatsappWordsEn } from '../shared/whatsappWords/en';
import { whatsappWordsEs } from '../shared/whatsappWords/es';
import { whatsappWordsHi } from '../shared/whatsappWords/hi';
import { whatsappWordsPtBR } from '../shared/whatsappWords/ptBR';
import { accountAlertText } from '../shared/whatsappWords/words';
import { boardI18n, say } from './i18n';

// The desk's own words for WhatsApp's alerts, in the board's five languages.
const WORDS = {
  en: whatsappWordsEn,
  es: whatsappWordsEs,
  'pt-BR': whatsappWordsPtBR,
  hi: whatsappWordsHi,
  ar: whatsappWordsAr,
};
for (const [tag, words] of Object.entries(WORDS)) boardI18n.addResourceBundle(tag, 'translation', words, true, false);

/**
 * WhatsApp's word about the team's numbers (restrictions, warnings, errors about no one call) above the board's
 * sections: every supervisor sees it, whatever their queues, since it stops the whole team's calls.
 */
export function renderAccountAlerts(board: HTMLElement, alerts: BoardSnapshot['accountAlerts']): void {
  let list = document.getElementById('account-alerts');
  if (alerts.length === 0) {
    list?.remove();
    return;
  }
  if (!list) {
    list = document.createElement('ul');
    list.id = 'account-alerts';
    list.className = 'problem';
    list.dataset.testid = 'board-account-alerts';
    board.querySelector('p.who')?.after(list);
  }
  list.setAttribute('aria-label', say('accountAlerts.title'));
  list.replaceChildren(
    ...alerts.map((received) => {
      const item = document.createElement('li');
      item.dataset.kind = received.alert.kind;
      item.textContent = accountAlertText(received.alert, say, boardI18n.language);
      return item;
    }),
  );
}
