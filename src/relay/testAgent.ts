import { connectRelay, type RelayClientOptions } from '../main/transport/relayClient';
import type { CallSignal } from '../shared/callSignals';
import { issueAgentToken } from './agentTokens';
import { RELAY_TEST_SECRETS } from './testSecrets';

type AgentState = Extract<CallSignal, { type: 'agent_state' }>;

/**
 * A desk as the relay tests meet it: the real relay client, signed in as `id`, keeping every call event it hears and,
 * apart, every state the relay gave the agent.
 */
export async function connectTestAgent(
  id: string,
  urls: string[],
  options: Pick<RelayClientOptions, 'requestTimeoutMs' | 'onConnection'> = {},
) {
  const events: Array<Exclude<CallSignal, AgentState>> = [];
  const states: AgentState[] = [];
  const client = connectRelay({
    urls,
    token: await issueAgentToken(id, RELAY_TEST_SECRETS.agentSecret),
    onEvent: (e) => (e.type === 'agent_state' ? states.push(e) : events.push(e)),
    ...options,
  });
  await client.ready();
  /** The agent writes up a call they answered, once the relay holds them in after-call work for it. */
  async function wrapUp(callId: string, outcome = 'Resolved', withinMs = 8000): Promise<void> {
    const end = Date.now() + withinMs;
    while (!states.at(-1)?.wrapUps.includes(callId)) {
      if (Date.now() > end) throw new Error(`${id} was never in after-call work for ${callId}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await client.request('wrap_up', { callId, outcome, notes: '' });
  }
  return { id, client, events, states, state: () => states.at(-1), wrapUp };
}
