import { describe, expect, it } from 'vitest';
import { AgentFacingError, agentSaid, agentSentence } from '../../../shared/agentErrors';
import { anyCallErrorSentence } from '../../../shared/callErrors';
import { refuse, sentence, whatsappSaid } from '../../../shared/sentence';
import { i18n } from '../i18n';
import { resultText, saidText } from './Said';

const graphFailure = (kind: string, message: string, code?: number) =>
  Object.assign(new Error(message), { kind, details: { code } });

const failures = [
  graphFailure('network', 'getaddrinfo ENOTFOUND graph.facebook.com'),
  graphFailure('timeout', 'no answer within 10000 ms'),
  graphFailure('bad_response', 'not JSON'),
  graphFailure('bad_request', 'refused by the schema'),
  graphFailure('graph', 'Invalid OAuth [HTTP 401, code 190]', 190),
  graphFailure('graph', 'No permission [HTTP 400, code 138006]', 138006),
  graphFailure('graph', 'weird [HTTP 500, code 1]', 1),
  graphFailure('graph', 'weird [HTTP 500]'),
  new AgentFacingError(
    'The team relay did not answer in time: try again in a moment.',
    undefined,
    sentence('relayTimeout'),
  ),
  new AgentFacingError('A refusal the relay worded itself.'),
  new Error('something nobody expected'),
];

describe('what the main process says, worded by the page', () => {
  it('reads in English exactly as main’s own English sentence for every kind of failure', async () => {
    await i18n.changeLanguage('en');
    for (const error of failures) expect(saidText(agentSaid(error), i18n.t)).toBe(agentSentence(error));
  });

  it('words WhatsApp’s end of a call as main’s English would, known code, unknown code or none', async () => {
    await i18n.changeLanguage('en');
    for (const code of [138021, 139999, undefined])
      expect(saidText(whatsappSaid(code), i18n.t)).toBe(anyCallErrorSentence(code));
  });

  it('reads in Spanish and Arabic without the English, WhatsApp’s code kept', async () => {
    for (const tag of ['es', 'ar']) {
      await i18n.changeLanguage(tag);
      for (const error of failures.slice(0, 9)) {
        const worded = saidText(agentSaid(error), i18n.t);
        expect(worded).not.toBe(agentSentence(error));
        const code = (error as { details?: { code?: number } }).details?.code;
        if (code !== undefined) expect(worded).toContain(String(code));
      }
    }
    await i18n.changeLanguage('es');
    const refused = refuse('The call could not be placed. …', sentence('dialFailed'), agentSaid(failures[1]));
    expect(resultText(refused, i18n.t)).toBe(
      'No se pudo hacer la llamada. WhatsApp no respondió a tiempo: inténtalo de nuevo en un momento.',
    );
    expect(resultText({ error: 'English only' }, i18n.t)).toBe('English only');
    await i18n.changeLanguage('en');
  });
});
