import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/lib/chromiumLaunch';
import { mediaHostAddress, startTestJanus } from '../src/relay/media/testJanus';
import { startRelay } from '../src/relay/relayServer';
import { startTestRedis } from '../src/relay/testRedis';
import { TeamQueues } from '../src/shared/teamQueues';
import { createLogger } from '../src/whatsapp/logger';
import { recentPitch, type ReceivedAudio } from '../sim/farEnd';
import { SIM_SECRETS } from '../sim/phoneWithSim';
import { startWhatsAppSim } from '../sim/whatsappSim';
import { AGENT_SECRET, openDesk } from '../sim/teamDesk';
import { giveVoiceAndEars } from '../sim/pageVoice';

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const near = (hz: number) => (found?: number) => found !== undefined && Math.abs(found - hz) < 60;
const VOICE = 300;
const CHANGED = 650;
const COLLEAGUE = 500;

/** Milliseconds from `since` until the caller's last few loud frames have the wanted pitch. */
async function heardAfter(received: ReceivedAudio, since: number, wanted: (hz?: number) => boolean): Promise<number> {
  const deadline = Date.now() + 15_000;
  while (!wanted(recentPitch(received, 5))) {
    if (Date.now() > deadline) throw new Error('the caller never heard the expected voice');
    await new Promise((r) => setTimeout(r, 2));
  }
  return Date.now() - since;
}

/** Clicks in the page and returns when (wall clock): the bench measures the product, not the robot's clicking. */
async function clickAt(page: Page, testId: string): Promise<number> {
  // A click on a button still disabled (an answer still being built) would do nothing.
  await page.locator(`[data-testid="${testId}"]:enabled`).waitFor();
  return page.evaluate((id) => {
    const at = Date.now();
    (document.querySelector(`[data-testid="${id}"]`) as HTMLButtonElement).click();
    return at;
  }, testId);
}

async function wrapUp(page: Page): Promise<void> {
  const save = page.getByTestId('wrap-up-save');
  await save.waitFor({ timeout: 5000 }).catch(() => undefined);
  if (!(await save.isVisible())) return;
  await page.locator('[data-testid^="wrap-up-outcome-"]').first().check();
  await save.click();
  await page.getByTestId('wrap-up-save').waitFor({ state: 'detached' });
}

/**
 * Anchored media beside direct media, same machine, same run: the added mouth-to-ear delay (the agent's voice
 * changes pitch; when the ICE-lite caller hears the new pitch), and Transfer click -> the caller hears the colleague
 * (who answers `ringMs` after it can), and the colleague's own Answer click -> heard, against Answer click -> the caller
 * hears the agent on a direct call. `ringMs`: the agent (and the colleague) clicks Answer that long after it can (a
 * person reading the card), on both paths; 0 clicks at once.
 */
export async function benchAnchored(rounds = 5, graphMs = 0, ringMs = 0) {
  const logger = createLogger({ level: 'error' });
  const [redis, janus] = await Promise.all([startTestRedis(), startTestJanus()]);
  const sim = await startWhatsAppSim({ ...SIM_SECRETS });
  const team = (media: 'direct' | 'anchored') =>
    startRelay({
      ...SIM_SECRETS,
      agentSecret: AGENT_SECRET,
      redisUrl: redis.url,
      graphBaseUrl: sim.graphBaseUrl,
      logger,
      prefix: media,
      janusUrls: [janus.url],
      janusAccess: janus.access,
      queues: TeamQueues.parse({
        defaultQueue: 'q',
        repeatCallerMinutes: 0,
        queues: [{ id: 'q', name: media, media, ringSeconds: 60, agents: { asha: 9, ben: 5 } }],
      }),
    });
  const relays = { direct: await team('direct'), anchored: await team('anchored') };
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const desks: Array<{ close(): Promise<void> }> = [];
  try {
    const page = async (agentId: string, voice: number, media: 'direct' | 'anchored') => {
      const p = await (await browser.newContext()).newPage();
      await p.addInitScript('window.__name = (fn) => fn');
      await giveVoiceAndEars(p, voice);
      desks.push(await openDesk(p, agentId, [relays[media].agentUrl]));
      return p;
    };
    const asha = { direct: await page('asha', VOICE, 'direct'), anchored: await page('asha', VOICE, 'anchored') };
    const ben = await page('ben', COLLEAGUE, 'anchored');
    // Only Asha takes direct calls; Ben is on the anchored team only, so direct calls ring Asha alone.
    const setVoice = (p: Page, hz: number) =>
      p.evaluate((v) => (window as unknown as { setVoiceHz(hz: number): number }).setVoiceHz(v), hz);

    const answerHeard: Record<'direct' | 'anchored', number[]> = { direct: [], anchored: [] };
    const mouthToEar: Record<'direct' | 'anchored', number[]> = { direct: [], anchored: [] };
    const transferHeard: number[] = [];
    const colleagueHeard: number[] = [];
    for (let i = 0; i < rounds + 1; i += 1) {
      for (const media of ['direct', 'anchored'] as const) {
        sim.setWebhookUrl(relays[media].webhookUrl);
        // WhatsApp's Graph API over the internet answers pre_accept and accept after a while, not at once as here.
        if (graphMs > 0)
          for (const action of ['pre_accept', 'accept']) sim.graph.addFault({ action, delayMs: graphMs });
        const agent = asha[media];
        const call = await sim.placeCall({
          name: `Bench ${media}`,
          farEnd: { toneHz: 440, edgeHost: mediaHostAddress() },
        });
        await setVoice(agent, VOICE);
        if (ringMs > 0) {
          await agent.locator('[data-testid="answer"]:enabled').waitFor();
          await agent.waitForTimeout(ringMs);
        }
        const answered = await heardAfter(call.farEnd.received, await clickAt(agent, 'answer'), near(VOICE));
        await agent.waitForTimeout(300);
        const up = await heardAfter(call.farEnd.received, await setVoice(agent, CHANGED), near(CHANGED));
        await agent.waitForTimeout(300);
        const down = await heardAfter(call.farEnd.received, await setVoice(agent, VOICE), near(VOICE));
        if (media === 'anchored') {
          await clickAt(agent, 'transfer');
          await agent.getByTestId('transfer-to').waitFor();
          const clicked = await clickAt(agent, 'transfer-send');
          if (ringMs > 0) {
            await ben.locator('[data-testid="answer"]:enabled').waitFor();
            await ben.waitForTimeout(ringMs);
          }
          const answeredAt = await clickAt(ben, 'answer');
          const moved = await heardAfter(call.farEnd.received, clicked, near(COLLEAGUE));
          if (i > 0) transferHeard.push(moved);
          if (i > 0) colleagueHeard.push(moved - (answeredAt - clicked));
          await clickAt(ben, 'hangup');
          await Promise.all([wrapUp(ben), wrapUp(agent)]);
        } else {
          await clickAt(agent, 'hangup');
          await wrapUp(agent);
        }
        if (i > 0) {
          answerHeard[media].push(answered);
          mouthToEar[media].push(up, down);
        }
        call.farEnd.close();
      }
    }
    return {
      rounds,
      answer: { direct: median(answerHeard.direct), anchored: median(answerHeard.anchored) },
      mouthToEar: { direct: median(mouthToEar.direct), anchored: median(mouthToEar.anchored) },
      transfer: median(transferHeard),
      colleagueAnswer: median(colleagueHeard),
    };
  } finally {
    for (const desk of desks) await desk.close().catch(() => undefined);
    await browser.close();
    await relays.direct.close();
    await relays.anchored.close();
    await sim.close();
    await janus.stop();
    await redis.stop();
  }
}
