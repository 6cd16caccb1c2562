import { afterEach, describe, expect, it } from 'vitest';
import { startTeamDemo, type TeamDemo } from './teamDemo';

const running: TeamDemo[] = [];
afterEach(async () => {
  for (const demo of running.splice(0)) await demo.close();
});

/** The board's report for today, read with `token`: 200 when the relay takes the token, 401 when it refuses it. */
async function reportStatus(demo: TeamDemo, token: string): Promise<number> {
  const day = new Date().toISOString().slice(0, 10);
  const res = await fetch(`${demo.board}/api/report?from=${day}&to=${day}&bucket=day&format=json`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  await res.arrayBuffer();
  return res.status;
}

describe('npm run demo -- --team keeps nothing between runs', () => {
  it('refuses the tokens a previous run printed: each run signs with a secret of its own', async () => {
    const first = await startTeamDemo({ say: () => {}, uiPort: 0 });
    running.push(first);
    expect(await reportStatus(first, first.adminToken)).toBe(200);
    const [supervisor, admin] = [first.supervisorToken, first.adminToken];
    await first.close();
    running.pop();

    const second = await startTeamDemo({ say: () => {}, uiPort: 0 });
    running.push(second);
    expect(await reportStatus(second, second.supervisorToken)).toBe(200);
    expect(await reportStatus(second, supervisor)).toBe(401);
    expect(await reportStatus(second, admin)).toBe(401);
  }, 90_000);
});
