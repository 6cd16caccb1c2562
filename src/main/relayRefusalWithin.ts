import { AgentFacingError } from '../shared/agentErrors';
import { RELAY_REFUSAL_KEYS } from '../shared/relayRefusals';

const REFUSALS = new Set<string>(RELAY_REFUSAL_KEYS);

/** The team relay's own refusal of a request (by its key), as opposed to the relay being out of reach. */
export const isRelayRefusal = (error: unknown): error is AgentFacingError =>
  error instanceof AgentFacingError && error.said !== undefined && REFUSALS.has(error.said.key);

/**
 * Waits up to `waitMs` for the relay's word on a request: its refusal, or undefined when it took the request, could
 * not be reached in time or dropped the connection (the request is then the transport's to settle, not the agent's).
 */
export async function relayRefusalWithin(request: Promise<unknown>, waitMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gaveUp = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), waitMs)));
  const word = request.then(
    () => undefined,
    (error: unknown) => (isRelayRefusal(error) ? error : undefined),
  );
  try {
    return await Promise.race([word, gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}
