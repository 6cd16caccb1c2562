import { errorText } from '../shared/errorText';
import type { Logger } from '../whatsapp/logger';

export interface FatalErrorDeps {
  logger: Logger;
  /** Tells the agent and ends live calls on WhatsApp. */
  failFatally(): Promise<void>;
  exit(code: number): void;
  /** How long ending calls may take before the process goes anyway. */
  graceMs?: number;
}

/**
 * What the process does with an error nothing caught: log it with its stack, end live calls on WhatsApp and
 * tell the agent, then exit, instead of vanishing silently with calls left open on Meta's side.
 */
export function createFatalErrorHandler(deps: FatalErrorDeps): (error: unknown) => Promise<void> {
  let handling = false;
  return async (error) => {
    if (handling) return;
    handling = true;
    deps.logger.error('fatal error; ending live calls and exiting', {
      error: errorText(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
    const grace = new Promise<void>((resolve) => setTimeout(resolve, deps.graceMs ?? 5000).unref());
    try {
      await Promise.race([deps.failFatally(), grace]);
    } catch (failure) {
      deps.logger.error('could not end the calls after a fatal error', { error: errorText(failure) });
    } finally {
      deps.exit(1);
    }
  };
}

export function installFatalErrorHandler(handler: (error: unknown) => Promise<void>): void {
  process.on('uncaughtException', (error) => void handler(error));
  process.on('unhandledRejection', (reason) => void handler(reason));
}
