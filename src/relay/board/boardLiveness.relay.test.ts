import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { issueSupervisorToken } from '../agentTokens';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { useTestBoardRelay } from './testBoardRelay';
import { BOARD_ALIVE_MS } from '../../shared/boardSchemas';
import { closedWithin, signInTestBoard } from './testBoard';

const SECRETS = RELAY_TEST_SECRETS;
const team = useTestBoardRelay('board-liveness');

describe('board connections that go silent', () => {
  it('a board that stops answering pings is cut within two ping intervals; one that answers stays and hears the relay is there', async () => {
    const token = await issueSupervisorToken('sam', SECRETS.agentSecret);
    const answering = await signInTestBoard(team.relay.agentUrl, token);
    // As a page behind a NAT that dropped its state: the relay's frames go out, nothing comes back.
    const silentFrom = Date.now();
    const silent = await signInTestBoard(team.relay.agentUrl, token, { autoPong: false });

    const cut = await closedWithin(silent.closed, 2 * BOARD_ALIVE_MS + 2000);
    expect(cut, 'the silent board was still open').toBeDefined();
    // Not before its first ping went unanswered for a whole interval.
    expect(cut!.atMs - silentFrom).toBeGreaterThan(BOARD_ALIVE_MS - 100);
    expect(cut!.atMs - silentFrom).toBeLessThan(2 * BOARD_ALIVE_MS + 1000);

    expect(await closedWithin(answering.closed, BOARD_ALIVE_MS + 1000), 'the answering board was cut').toBeUndefined();
    expect(answering.ws.readyState).toBe(WebSocket.OPEN);
    expect(answering.messages.filter((m) => m.type === 'alive').length).toBeGreaterThanOrEqual(2);
    answering.ws.close();
  }, 40_000);
});
