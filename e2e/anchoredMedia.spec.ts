import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Browser, type Page } from '@playwright/test';
import { PAGE_HEARD, PAGE_LEAKED, SILENT } from '../src/relay/media/testAudioLevels';
import { holdMusicFile, mediaHostAddress, startTestJanus } from '../src/relay/media/testJanus';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RelayOptions } from '../src/relay/relayServer';
import { startTestPostgres } from '../src/relay/testPostgres';
import { startRelay } from '../src/relay/relayServer';
import { startRelayProcess } from '../src/relay/testRelayProcess';
import { startTestRedis } from '../src/relay/testRedis';
import { createMemoryLogger } from '../src/whatsapp/logger';
import { SIM_SECRETS } from '../sim/phoneWithSim';
import { startWhatsAppSim } from '../sim/whatsappSim';
import { giveVoiceAndEars as voiceAndEars } from '../sim/pageVoice';
import { openDesk } from '../sim/teamDesk';
import { TeamQueues } from '../src/shared/teamQueues';
import { heardTone } from '../sim/farEnd';
import { AGENT_SECRET, startTeam } from './teamDesks';
import { heardTone as deskHears, giveVoiceAndEars, sentLevel } from '../sim/pageVoice';
import { issueSupervisorToken } from '../src/relay/agentTokens';

/** Each party's voice: the caller 440 Hz, Asha 300 Hz, Ben 700 Hz; heard and silent as testAudioLevels.ts says. */
const CALLER = 440;
const ASHA = 300;
const BEN = 700;
const SUPERVISOR = 1100;
const HOLD_MUSIC = 600;
const CONSENT = 900;
/**
 * Not heard, where the other of the music (600 Hz) and Ben (700 Hz) plays: one 10 ms frame cannot tell them apart
 * cleanly, so either reads up to about 0.005 at the other's pitch (measured, more since Janus sends Opus FEC); the
 * one really heard reads 0.02 or more.
 */
const UNDER_MUSIC = 0.01;

/**
 * Not heard, read ten times over 1.5 s: a voice heard is in every reading (PAGE_HEARD and more), so the median stays
 * under the leak line (PAGE_LEAKED) and no reading reaches heard. Single readings near SILENT are no verdict on a
 * loaded machine: late audio is concealed, which spreads the tones heard into every pitch (two readings of 0.0041-0.0044
 * at the caller's pitch for Ben, with the caller in the hold room; 0.0063 at a hold-loop note under the music).
 */
async function expectNotHeard(hear: (hz: number) => number | Promise<number>, hz: number, what: string): Promise<void> {
  const readings: number[] = [];
  for (let i = 0; i < 10; i += 1) {
    readings.push(await hear(hz));
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  const sorted = [...readings].sort((a, b) => a - b);
  const shown = `${what}: median ${sorted[5]!.toFixed(4)} of ${readings.map((level) => level.toFixed(4)).join(', ')}`;
  expect(sorted[5]!, shown).toBeLessThan(PAGE_LEAKED);
  expect(sorted[9]!, shown).toBeLessThan(PAGE_HEARD);
}

/**
 * Longest a voice may go unheard, read after read, and still count as heard all along: a machine as loaded as CI's
 * stalls the audio of every party for up to ~2.7 s (measured beside two busy loops); a leg Janus dropped stays silent.
 */
const LONGEST_GAP_MS = 3500;

/** Each voice read every 250 ms for `forMs`: none goes unheard for longer than LONGEST_GAP_MS. */
async function expectHeardThroughout(
  forMs: number,
  voices: Record<string, () => number | Promise<number>>,
): Promise<void> {
  const started = Date.now();
  const lastHeard = new Map(Object.keys(voices).map((what) => [what, started]));
  while (Date.now() - started < forMs) {
    for (const [what, read] of Object.entries(voices)) {
      const level = await read();
      if (level > PAGE_HEARD) lastHeard.set(what, Date.now());
      const gap = Date.now() - lastHeard.get(what)!;
      expect(gap, `${what}: unheard for ${gap} ms (now ${level})`).toBeLessThanOrEqual(LONGEST_GAP_MS);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The caller (440 Hz, WhatsApp's ICE-lite edge on an address Janus can reach) calls; this desk answers. */
async function answeredCall(sim: Awaited<ReturnType<typeof startTeam>>['sim'], page: Page, name: string) {
  const call = await sim.placeCall({ name, farEnd: { toneHz: CALLER, edgeHost: mediaHostAddress() } });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  return call;
}

/** Asha and Ben's desks on a Support queue whose media is anchored on a Janus the test starts. */
async function startAnchoredTeam(
  browser: Browser,
  extra: Pick<RelayOptions, 'databaseUrl' | 'janusRecordingDir' | 'janusConsentNotice'> = {},
) {
  const janus = await startTestJanus();
  const queues = TeamQueues.parse({
    defaultQueue: 'support',
    repeatCallerMinutes: 0,
    queues: [{ id: 'support', name: 'Support', media: 'anchored', ringSeconds: 30, agents: { asha: 9, ben: 5 } }],
  });
  const team = await startTeam(browser, {
    queues,
    janusUrls: [janus.url],
    janusAccess: janus.access,
    janusHoldMusic: holdMusicFile(HOLD_MUSIC),
    ...extra,
    voices: { asha: ASHA, ben: BEN },
  });
  return {
    ...team,
    janus,
    async close() {
      await team.close();
      await janus.stop();
    },
  };
}

test('a queue that anchors media on Janus: the agent answers, caller and agent hear each other through the media server, WhatsApp gets its answer; then a blind transfer moves the call to a colleague', async ({
  browser,
}) => {
  const { sim, pageA, pageB, close } = await startAnchoredTeam(browser);
  try {
    // WhatsApp's ICE-lite edge listens where Janus can reach it (Janus gathers no loopback candidates).
    const call = await sim.placeCall({
      name: 'Anchored Caller',
      farEnd: { toneHz: 440, edgeHost: mediaHostAddress() },
    });
    await expect(pageA.getByTestId('caller-name')).toHaveText('Anchored Caller');
    await pageA.getByTestId('answer').click();
    await expect(pageA.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
    // Meta got Janus's answer (its SSRC's cname), the same in pre_accept and accept, within Meta's rules.
    const sent = sim.graph.requests
      .filter((r) => JSON.stringify(r.body ?? '').includes(call.callId))
      .map((r) => (r.body as { session?: { sdp?: string } }).session?.sdp ?? '');
    expect(sent[0]).toContain('cname:janus');
    expect(sent[1]).toBe(sent[0]);

    // The agent hears the caller, and the caller hears the agent's microphone, through the room.
    await expect.poll(() => deskHears(pageA, CALLER), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    await expect.poll(() => heardTone(call.farEnd.received, ASHA), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    expect(call.farEnd.ice.nominated).toBe(true);

    // Blind transfer: Asha hands the call to Ben; it stays hers until he answers, then leaves her desk.
    await pageA.getByTestId('transfer').click();
    await expect(pageA.getByTestId('transfer-to')).toHaveValue('ben');
    await pageA.getByTestId('transfer-send').click();
    await expect(pageA.getByTestId('transferring')).toContainText('Transferring to ben');
    await expect(pageB.getByTestId('caller-name')).toHaveText('Anchored Caller');
    await expect(pageB.getByTestId('transferred-by')).toHaveText('Transferred by asha');
    await pageB.getByTestId('answer').click();
    await expect(pageB.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await expect(pageA.getByTestId('end-reason')).toHaveText('Transferred to a colleague');
    // Nothing more went to WhatsApp: the call was moved inside the team's media server.
    expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
    // Ben hears the caller, the caller hears Ben's microphone and no longer Asha's, and Asha no longer hears the caller.
    await expect.poll(() => deskHears(pageB, CALLER), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    await expect.poll(() => heardTone(call.farEnd.received, BEN), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    await expect.poll(() => heardTone(call.farEnd.received, ASHA), { timeout: 5000 }).toBeLessThan(SILENT);
    await expectNotHeard((hz) => deskHears(pageA, hz), CALLER, 'Asha hears the caller');

    await pageB.getByTestId('hangup').click();
    await expect(pageB.getByTestId('end-reason')).toHaveText('Call ended');
    expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
  } finally {
    await close();
  }
});

test('the relay refuses a transfer to a colleague who went on a break, and the agent reads why in Spanish', async ({
  browser,
}) => {
  const { sim, pageA, pageB, close } = await startAnchoredTeam(browser);
  try {
    const call = await answeredCall(sim, pageA, 'Refused Transfer');
    // Asha reads her desk in Spanish (changed mid-call).
    await pageA.getByTestId('tab-settings').click();
    await pageA.getByTestId('settings-section-desk').click();
    await pageA.getByTestId('language').selectOption('es');
    await pageA.getByTestId('tab-phone').click();
    await pageA.getByTestId('transfer').click();
    await expect(pageA.getByTestId('transfer-to')).toHaveValue('ben');
    // Ben goes on a break while Asha's picker is open: the relay, not the picker, has the last word.
    await pageB.getByTestId('agent-status').selectOption({ label: 'Not ready: lunch' });
    await expect(pageB.getByTestId('team-state')).toHaveText(/^Not ready: lunch/);
    await pageA.getByTestId('transfer-send').click();
    await expect(pageA.getByTestId('transfer-error')).toHaveText('ben no puede atender una llamada ahora.');
    // The call stays Asha's, and WhatsApp heard nothing of it.
    await expect(pageB.getByTestId('incoming-call')).toHaveCount(0);
    expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
  } finally {
    await close();
  }
});

test('a conference on an anchored call: the agent adds a colleague, all three hear each other, the agent leaves and the colleague carries on', async ({
  browser,
}) => {
  const { sim, pageA, pageB, close } = await startAnchoredTeam(browser);
  try {
    const call = await answeredCall(sim, pageA, 'Three Way');
    await pageA.getByTestId('add-colleague').click();
    await pageA.getByTestId('transfer-send').click();
    await expect(pageA.getByTestId('inviting')).toHaveText('Asking ben to join…');
    await expect(pageB.getByTestId('invited-by')).toHaveText('asha asks you to join this call');
    await pageB.getByTestId('answer').click();
    await expect(pageB.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await expect(pageA.getByTestId('conference-with')).toHaveText('Also on the call: ben');
    await expect(pageB.getByTestId('conference-with')).toHaveText('Also on the call: asha');
    // All three hear each other: each desk hears the caller and the other desk, the caller hears both desks.
    for (const [page, other] of [
      [pageA, BEN],
      [pageB, ASHA],
    ] as const) {
      await expect.poll(() => deskHears(page, CALLER), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
      await expect.poll(() => deskHears(page, other), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    }
    await expect.poll(() => heardTone(call.farEnd.received, ASHA), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    await expect.poll(() => heardTone(call.farEnd.received, BEN), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);

    // Asha leaves; the call goes on with Ben, and nothing is ended on WhatsApp.
    await pageA.getByTestId('hangup').click();
    await expect(pageA.getByTestId('end-reason')).toHaveText('Call ended');
    expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
    await expect(pageB.getByTestId('conference-with')).toHaveCount(0);
    await expect.poll(() => heardTone(call.farEnd.received, ASHA), { timeout: 5000 }).toBeLessThan(SILENT);
    await expect.poll(() => deskHears(pageB, ASHA), { timeout: 5000 }).toBeLessThan(SILENT);
    // Ben and the caller go on hearing each other, read over 5 s: one reading as the mix changes may catch a dropped
    // frame (the caller read 0 of Ben once beside two busy loops).
    await expectHeardThroughout(5000, {
      'the caller hears Ben': () => heardTone(call.farEnd.received, BEN),
      'Ben hears the caller': () => deskHears(pageB, CALLER),
    });
    await expect(pageB.getByTestId('call-phase')).toHaveText('On call');

    await pageB.getByTestId('hangup').click();
    await expect(pageB.getByTestId('end-reason')).toHaveText('Call ended');
    expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
  } finally {
    await close();
  }
});

test('a supervisor listens in on an anchored call from the board without being heard, barges in and is heard by caller and agent, stops, is told when the call ends, and plays the call’s recording', async ({
  browser,
}) => {
  const postgres = await startTestPostgres();
  const { sim, relays, pageA, close } = await startAnchoredTeam(browser, {
    databaseUrl: postgres.url,
    janusRecordingDir: mkdtempSync(join(tmpdir(), 'room-recordings-')),
    janusConsentNotice: holdMusicFile(CONSENT, 3),
  });
  const board = await (await browser.newContext()).newPage();
  await giveVoiceAndEars(board, SUPERVISOR);
  try {
    const call = await answeredCall(sim, pageA, 'Monitored');
    // The customer hears the consent notice before the recording starts.
    await expect.poll(() => heardTone(call.farEnd.received, CONSENT), { timeout: 10_000 }).toBeGreaterThan(PAGE_HEARD);

    // The board is on the other relay instance than the one that took the call.
    await board.goto(`${relays[1]!.agentUrl.replace(/^ws/, 'http')}board`);
    await board.getByTestId('board-token').fill(await issueSupervisorToken('sam', AGENT_SECRET));
    await board.getByTestId('board-sign-in-button').click();
    const live = board.locator(`[data-testid="in-progress-row"][data-call-id="${call.callId}"]`);
    await live.getByTestId('listen').click();
    const state = board.getByTestId('listen-state');
    await expect(pageA.getByTestId('supervisor-on-call')).toHaveCount(0);
    await expect(state).toHaveText(/^Listening to asha’s call with .+\. Nobody hears you\.$/, { timeout: 10_000 });

    // The supervisor hears both sides; nobody hears the supervisor.
    await expect.poll(() => deskHears(board, CALLER), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    await expect.poll(() => deskHears(board, ASHA), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    // (Once the consent notice is over: Opus's coding noise around a third tone would blur "silent".)
    await expect.poll(() => heardTone(call.farEnd.received, CONSENT), { timeout: 10_000 }).toBeLessThan(SILENT);
    await expectNotHeard((hz) => heardTone(call.farEnd.received, hz), SUPERVISOR, 'the caller hears the supervisor');
    await expectNotHeard((hz) => deskHears(pageA, hz), SUPERVISOR, 'Asha hears the supervisor');

    // Barge in: the caller and the agent hear the supervisor, and still each other.
    // The board with the listening panel open has no serious accessibility problem (axe-core).
    const axe = await new AxeBuilder({ page: board }).analyze();
    const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    expect(bad).toEqual([]);
    await board.getByTestId('listen-barge').click();
    await expect(state).toHaveText(/^On asha’s call with .+: the customer and the agent hear you\.$/);
    await expect
      .poll(() => heardTone(call.farEnd.received, SUPERVISOR), { timeout: 10_000 })
      .toBeGreaterThan(PAGE_HEARD);
    await expect.poll(() => deskHears(pageA, SUPERVISOR), { timeout: 10_000 }).toBeGreaterThan(PAGE_HEARD);
    expect(heardTone(call.farEnd.received, ASHA)).toBeGreaterThan(PAGE_HEARD);
    // The agent is told who is heard on the call now (listening in silently was not shown).
    await expect(pageA.getByTestId('supervisor-on-call')).toHaveText(
      'sam (supervisor) is on the call: the customer and you hear them.',
    );

    // Stop: the supervisor's voice leaves the call, and the agent's desk says so.
    await board.getByTestId('listen-stop').click();
    await expect(state).toHaveText('You stopped listening.');
    await expect(pageA.getByTestId('supervisor-on-call')).toHaveCount(0);
    await expect.poll(() => heardTone(call.farEnd.received, SUPERVISOR), { timeout: 5000 }).toBeLessThan(SILENT);

    // Listening again when the agent hangs up: the board says the call ended; WhatsApp saw only the agent's call.
    await live.getByTestId('listen').click();
    await expect(state).toHaveText(/Nobody hears you\.$/, { timeout: 10_000 });
    await pageA.getByTestId('hangup').click();
    await expect(state).toHaveText('The call ended.');
    expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);

    // The call was recorded after the consent notice (the caller heard it): the supervisor plays it from the board.
    await board.locator('[data-testid="agent-row"][data-agent="asha"]').getByTestId('agent-recent').click();
    const row = board.locator(`[data-testid="agent-call"][data-call-id="${call.callId}"]`);
    await row.getByTestId('play-recording').click();
    const player = row.getByTestId('recording-player');
    await expect
      .poll(() => player.evaluate((a: HTMLAudioElement) => (Number.isFinite(a.duration) ? a.duration : 0)), {
        timeout: 10_000,
      })
      .toBeGreaterThan(3);
  } finally {
    await board.context().close();
    await close();
    await postgres.stop();
  }
});

test('Hold on an anchored call: the caller waits in Janus’s hold room hearing the team’s music (not the desk’s loop, not the agent), then hears the agent again', async ({
  browser,
}) => {
  const { sim, pageA, close } = await startAnchoredTeam(browser);
  try {
    const call = await answeredCall(sim, pageA, 'Held Anchored');
    await expect.poll(() => heardTone(call.farEnd.received, ASHA), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);

    expect(await sentLevel(pageA), 'the desk sends Asha’s voice').toBeGreaterThan(0.05);
    await pageA.getByTestId('hold').click();
    await expect(pageA.getByTestId('held-call')).toBeVisible();
    // Janus plays the music: the desk sends silence from the click, so nothing of its own reaches the customer while
    // the relay is still moving them to the hold room (its hold loop did, for up to ~0.1 s).
    for (let i = 0; i < 5; i += 1) {
      expect(await sentLevel(pageA), 'the desk sends something while its call is held').toBeLessThan(0.001);
      await pageA.waitForTimeout(100);
    }
    await expect
      .poll(() => heardTone(call.farEnd.received, HOLD_MUSIC), { timeout: 10_000 })
      .toBeGreaterThan(PAGE_HEARD);
    await expect.poll(() => heardTone(call.farEnd.received, ASHA), { timeout: 5000 }).toBeLessThan(SILENT);
    // The desk's own hold loop (523-784 Hz) goes only into the call's room, where nobody is now. Its notes sit 59-184 Hz
    // from the music's 600 Hz, whose smear read 0.0063 at one of them on a loaded CI, under the leak line.
    for (const note of [523.25, 659.25, 783.99])
      await expectNotHeard((hz) => heardTone(call.farEnd.received, hz), note, `the desk's hold loop at ${note} Hz`);
    expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);

    await pageA.getByTestId('held-resume').click();
    await expect.poll(() => sentLevel(pageA), { timeout: 5000 }).toBeGreaterThan(0.05);
    await expect.poll(() => heardTone(call.farEnd.received, ASHA), { timeout: 10_000 }).toBeGreaterThan(PAGE_HEARD);
    await expect.poll(() => heardTone(call.farEnd.received, HOLD_MUSIC), { timeout: 5000 }).toBeLessThan(SILENT);
    await pageA.getByTestId('hangup').click();
    await expect(pageA.getByTestId('end-reason')).toHaveText('Call ended');
  } finally {
    await close();
  }
});

test('a warm transfer: the agent consults a colleague while the customer hears the team’s hold music from Janus, brings the customer in, and leaves them together', async ({
  browser,
}) => {
  const { sim, pageA, pageB, close } = await startAnchoredTeam(browser);
  try {
    const call = await answeredCall(sim, pageA, 'Warm Caller');
    await expect.poll(() => heardTone(call.farEnd.received, ASHA), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);

    // A consult Ben declines: the customer waits on the music meanwhile, then comes back to Asha.
    await pageA.getByTestId('consult').click();
    await pageA.getByTestId('transfer-send').click();
    await expect
      .poll(() => heardTone(call.farEnd.received, HOLD_MUSIC), { timeout: 10_000 })
      .toBeGreaterThan(PAGE_HEARD);
    await pageB.getByTestId('reject').click();
    await expect(pageA.getByTestId('transfer-declined')).toBeVisible();
    await expect(pageA.getByTestId('customer-held')).toHaveCount(0);
    await expect.poll(() => heardTone(call.farEnd.received, ASHA), { timeout: 10_000 }).toBeGreaterThan(PAGE_HEARD);
    await expect.poll(() => heardTone(call.farEnd.received, HOLD_MUSIC), { timeout: 5000 }).toBeLessThan(SILENT);

    // Consult first again: the customer goes to the hold room and hears the music, not the agent.
    await pageA.getByTestId('consult').click();
    await expect(pageA.getByTestId('transfer-to')).toHaveValue('ben');
    await pageA.getByTestId('transfer-send').click();
    await expect(pageA.getByTestId('customer-held')).toContainText('The customer is on hold');
    await expect
      .poll(() => heardTone(call.farEnd.received, HOLD_MUSIC), { timeout: 10_000 })
      .toBeGreaterThan(PAGE_HEARD);
    await expect.poll(() => heardTone(call.farEnd.received, ASHA), { timeout: 5000 }).toBeLessThan(SILENT);

    // Ben answers: Asha and Ben talk; the customer hears only the music, and neither agent hears the customer.
    await expect(pageB.getByTestId('invited-by')).toHaveText('asha asks you to join this call');
    await pageB.getByTestId('answer').click();
    await expect(pageB.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await expect(pageB.getByTestId('customer-held')).toBeVisible();
    await expect.poll(() => deskHears(pageA, BEN), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    await expect.poll(() => deskHears(pageB, ASHA), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    await expectNotHeard((hz) => deskHears(pageA, hz), CALLER, 'Asha hears the caller');
    await expectNotHeard((hz) => deskHears(pageB, hz), CALLER, 'Ben hears the caller');
    await expectNotHeard((hz) => heardTone(call.farEnd.received, hz), BEN, 'the caller hears Ben');
    expect(heardTone(call.farEnd.received, HOLD_MUSIC)).toBeGreaterThan(PAGE_HEARD);
    expect(call.farEnd.connectionState).toBe('connected');

    // Bring the customer in: all three hear each other, the music stops.
    await pageA.getByTestId('customer-unhold').click();
    await expect(pageA.getByTestId('customer-held')).toHaveCount(0);
    await expect.poll(() => heardTone(call.farEnd.received, BEN), { timeout: 10_000 }).toBeGreaterThan(PAGE_HEARD);
    await expect.poll(() => heardTone(call.farEnd.received, HOLD_MUSIC), { timeout: 5000 }).toBeLessThan(UNDER_MUSIC);
    await expect.poll(() => deskHears(pageB, CALLER), { timeout: 10_000 }).toBeGreaterThan(PAGE_HEARD);

    // Asha leaves them together: the call is Ben's, nothing was sent to WhatsApp.
    await pageA.getByTestId('hangup').click();
    await expect.poll(() => heardTone(call.farEnd.received, ASHA), { timeout: 5000 }).toBeLessThan(SILENT);
    // Ben goes on being heard (read over a few frames: the mix changing as Asha's leg leaves may drop one).
    await expect.poll(() => heardTone(call.farEnd.received, BEN), { timeout: 5000 }).toBeGreaterThan(PAGE_HEARD);
    expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
    await pageB.getByTestId('hangup').click();
    await expect(pageB.getByTestId('end-reason')).toHaveText('Call ended');
    expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
  } finally {
    await close();
  }
});

test('the relay instance that holds an anchored call is killed: the agent in Chromium and the caller go on hearing each other, the desk moves to the other instance and ends the call there', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const [redis, janus] = await Promise.all([startTestRedis(), startTestJanus()]);
  const sim = await startWhatsAppSim({ ...SIM_SECRETS });
  const queues = TeamQueues.parse({
    defaultQueue: 'support',
    repeatCallerMinutes: 0,
    queues: [{ id: 'support', name: 'Support', media: 'anchored', ringSeconds: 30, agents: { asha: 9 } }],
  });
  const instance = {
    ...SIM_SECRETS,
    agentSecret: AGENT_SECRET,
    redisUrl: redis.url,
    graphBaseUrl: sim.graphBaseUrl,
    prefix: 'e2e-kill',
    queues,
    janusUrls: [janus.url],
    janusAccess: janus.access,
  };
  const doomed = await startRelayProcess(instance);
  const survivor = await startRelay({ ...instance, logger: createMemoryLogger() });
  sim.setWebhookUrl(doomed.webhookUrl);
  const page = await (await browser.newContext()).newPage();
  await voiceAndEars(page, ASHA);
  const desk = await openDesk(page, 'asha', [doomed.agentUrl, survivor.agentUrl]);
  try {
    const call = await answeredCall(sim, page, 'Kept Caller');
    await expect.poll(() => heardTone(call.farEnd.received, ASHA), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    await expect.poll(() => deskHears(page, CALLER), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);

    await doomed.kill();
    // Past Janus's reclaim window (10 s in the tests) and long enough after it for a dropped leg to show: both voices
    // are measured on both sides all along, four times a second.
    await expectHeardThroughout(18_000, {
      'the caller hears Asha': () => heardTone(call.farEnd.received, ASHA),
      'Asha hears the caller': () => deskHears(page, CALLER),
    });
    await expect(page.getByTestId('call-phase')).toHaveText('On call');
    expect(call.farEnd.connectionState).toBe('connected');
    expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);

    // The desk reconnected to the surviving instance, which ends the call on WhatsApp.
    await expect.poll(() => survivor.connectedAgents(), { timeout: 10_000 }).toContain('asha');
    await page.getByTestId('hangup').click();
    await expect(page.getByTestId('end-reason')).toHaveText('Call ended');
    await expect
      .poll(() => sim.graph.actionsFor(call.callId))
      .toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
  } finally {
    await desk.close();
    await page.context().close();
    await doomed.kill();
    await survivor.close();
    await sim.close();
    await janus.stop();
    await redis.stop();
  }
});
