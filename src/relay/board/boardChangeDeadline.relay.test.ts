import { expect, it } from 'vitest';
import { issueSupervisorToken } from '../agentTokens';
import { connectTestAgent } from '../testAgent';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { useTestBoardRelay } from './testBoardRelay';
import { signInTestBoard } from './testBoard';

const SECRETS = RELAY_TEST_SECRETS;
const team = useTestBoardRelay('board-deadline');

it('a Set Away that reaches the relay after the moment the page stopped waiting for it is refused with a sentence and not done; one in time is done', async () => {
  const desk = await connectTestAgent('ben', [team.relay.agentUrl]);
  const board = await signInTestBoard(team.relay.agentUrl, await issueSupervisorToken('sam', SECRETS.agentSecret));
  const benState = () => board.snapshot()?.agents.find((a) => a.id === 'ben')?.state;
  try {
    await expect.poll(benState, { timeout: 8000 }).toBe('available');

    // Held up on the way (a frozen relay or a stalled line): it arrives a moment after its last wanted moment.
    board.ws.send(JSON.stringify({ type: 'set_status', agentId: 'ben', status: 'away', notAfterMs: Date.now() - 1 }));
    await expect
      .poll(() => board.messages.find((m) => m.type === 'error'))
      .toEqual({
        type: 'error',
        message:
          'Not done: the change reached the team relay too late (the line or the relay was held up). Check the board and try again.',
      });
    const snapshotsBefore = board.messages.filter((m) => m.type === 'snapshot').length;
    await expect
      .poll(() => board.messages.filter((m) => m.type === 'snapshot').length, { timeout: 8000 })
      .toBeGreaterThan(snapshotsBefore + 1);
    expect(benState()).toBe('available');

    board.ws.send(
      JSON.stringify({ type: 'set_status', agentId: 'ben', status: 'away', notAfterMs: Date.now() + 8000 }),
    );
    await expect.poll(benState, { timeout: 8000 }).toBe('not_ready');
  } finally {
    desk.client.close();
    board.ws.close();
  }
});
