import { describe, expect, it } from 'vitest';
import { issueSupervisorToken } from '../agentTokens';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { useTestBoardRelay } from './testBoardRelay';
import { signInTestBoard, type TestBoard } from './testBoard';
import { STALL_AFTER_MS } from './snapshotStall';

const SECRETS = RELAY_TEST_SECRETS;
const team = useTestBoardRelay('board-stall');

/** When the first message of this type arrived after `fromMs`; undefined when none came within `ms`. */
async function firstAfter(board: TestBoard, type: string, fromMs: number, ms: number): Promise<number | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const hit = board.arrivals.find((a) => a.atMs >= fromMs && a.message.type === type);
    if (hit) return hit.atMs;
    if (Date.now() > end) return undefined;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sinceLastSnapshot = (board: TestBoard) => {
  const last = [...board.arrivals].reverse().find((a) => a.message.type === 'snapshot');
  return last ? Date.now() - last.atMs : Infinity;
};

describe('a board whose snapshots cannot be built', () => {
  it('hears within seconds that the figures are stalled while Redis is down, is refused actions with why, and gets snapshots again once it is back', async () => {
    const board = await signInTestBoard(team.relay.agentUrl, await issueSupervisorToken('sam', SECRETS.agentSecret));
    expect(board.messages.some((m) => m.type === 'figures_stalled')).toBe(false);

    await team.redis.kill();
    const downAt = Date.now();
    const stalledAt = await firstAfter(board, 'figures_stalled', downAt, 5000);
    expect(stalledAt, `no figures_stalled; messages: ${JSON.stringify(board.messages.slice(-5))}`).toBeDefined();
    expect(stalledAt! - downAt).toBeLessThan(3000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sinceLastSnapshot(board)).toBeGreaterThan(1500);

    const askedAt = Date.now();
    board.ws.send(JSON.stringify({ type: 'set_status', agentId: 'ben', status: 'away' }));
    const refusedAt = await firstAfter(board, 'error', askedAt, 5000);
    const refusal = board.arrivals.find((a) => a.atMs === refusedAt && a.message.type === 'error')?.message;
    expect(refusedAt! - askedAt, 'the refusal waited for Redis').toBeLessThan(1000);
    expect(refusal).toEqual({
      type: 'error',
      message:
        'Not done: the team relay cannot read the team’s state just now. Try again once the figures are updating.',
      untilLive: true,
    });

    await team.redis.start();
    const upAt = Date.now();
    const backAt = await firstAfter(board, 'snapshot', upAt, 8000);
    expect(backAt, 'no snapshot once Redis was back').toBeDefined();
    await new Promise((r) => setTimeout(r, 1500));
    expect(board.arrivals.filter((a) => a.atMs > backAt! && a.message.type === 'figures_stalled')).toEqual([]);
    board.ws.close();
  }, 40_000);

  it('hears the figures are stalled when Redis hangs, is refused Set Away at once, and gets snapshots once it answers', async () => {
    const board = await signInTestBoard(team.relay.agentUrl, await issueSupervisorToken('sam', SECRETS.agentSecret));
    team.redis.pause();
    const frozenAt = Date.now();
    const stalledAt = await firstAfter(board, 'figures_stalled', frozenAt, 8000);
    expect(stalledAt, 'no figures_stalled while Redis hangs').toBeDefined();
    // A build under way is taken as stuck once it has run past STALL_AFTER_MS, at the next refresh after that.
    expect(stalledAt! - frozenAt).toBeLessThan(STALL_AFTER_MS + 2500);
    expect(sinceLastSnapshot(board)).toBeGreaterThan(STALL_AFTER_MS);
    const askedAt = Date.now();
    board.ws.send(JSON.stringify({ type: 'set_status', agentId: 'ben', status: 'away' }));
    expect((await firstAfter(board, 'error', askedAt, 3000))! - askedAt, 'no quick refusal').toBeLessThan(1000);

    team.redis.resume();
    const backAt = await firstAfter(board, 'snapshot', Date.now(), 8000);
    expect(backAt, 'no snapshot once Redis answered').toBeDefined();
    board.ws.close();
  }, 40_000);
});
