import { connectRelay } from '../main/transport/relayClient';
import type { CallSignal } from '../shared/callSignals';
import { issueAgentToken } from './agentTokens';
import { RELAY_TEST_SECRETS } from './testSecrets';

/** A desk as the relay tests meet it: the real relay client, signed in as `id`, keeping every event it hears. */
export async function connectTestAgent(id: string, urls: string[]) {
  const events: CallSignal[] = [];
  const client = connectRelay({
    urls,
    token: await issueAgentToken(id, RELAY_TEST_SECRETS.agentSecret),
    onEvent: (e) => events.push(e),
  });
  await client.ready();
  return { id, client, events };
}
