import { test, expect } from '@playwright/test';
import { heardTone } from '../sim/farEnd';
import { heardTone as deskHears } from '../sim/pageVoice';
import { startScriptedBot } from '../sim/scriptedBot';
import { PAGE_HEARD, SILENT } from '../src/relay/media/testAudioLevels';
import { holdMusicFile, mediaHostAddress, startTestJanus } from '../src/relay/media/testJanus';
import { TeamQueues } from '../src/shared/teamQueues';
import { startTeam } from './teamDesks';

/** Each voice by its pitch: the caller 440 Hz, the bot 600 Hz, the queue's music 700 Hz, Asha 300 Hz. */
const CALLER = 440;
const BOT = 600;
const MUSIC = 700;
const ASHA = 300;
const TOKEN = 'front-desk-bot-token-0123456789abcdef0123';

test('a bot answers the call first and hands it to Asha, not ready then: once she is available her ringing card shows how long the caller waited and what the bot learned, kept on her call view (the conversation one click away) through hold and take back; the caller hears the bot, the music, then Asha', async ({
  browser,
}) => {
  const janus = await startTestJanus();
  const botOptions = {
    token: TOKEN,
    toneHz: BOT,
    hearHz: CALLER,
    escalateAfterMs: 2500,
    escalateTo: 'support',
    summary: 'Wants to change the delivery address of order A-1042.',
    facts: { order: 'A-1042', language: 'en' },
    relayUrl: undefined as string | undefined,
  };
  const bot = await startScriptedBot(botOptions);
  const queues = TeamQueues.parse({
    defaultQueue: 'front',
    repeatCallerMinutes: 0,
    queues: [
      { id: 'front', name: 'Front desk', media: 'anchored', agents: '*', bot: { url: bot.url, token: TOKEN } },
      { id: 'support', name: 'Support', media: 'anchored', ringSeconds: 30, agents: { asha: 9 } },
    ],
  });
  const team = await startTeam(browser, {
    queues,
    janusUrls: [janus.url],
    janusAccess: janus.access,
    janusHoldMusic: holdMusicFile(MUSIC),
    voices: { asha: ASHA, ben: 500 },
  });
  const { sim, pageA } = team;
  try {
    // The bot escalates to the relay that takes WhatsApp's webhooks.
    botOptions.relayUrl = team.relays[0]!.agentUrl.replace(/^ws/, 'http');
    // Asha is not ready when the bot hands the call over: the caller waits on the music until she is available.
    await pageA.getByTestId('agent-status').selectOption('away');
    await expect(pageA.getByTestId('team-state')).toHaveText(/^Not ready: away/);
    const call = await sim.placeCall({ name: 'Bot Caller', farEnd: { toneHz: CALLER, edgeHost: mediaHostAddress() } });
    await expect.poll(() => heardTone(call.farEnd.received, BOT), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    await expect.poll(() => heardTone(call.farEnd.received, MUSIC), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    await expect.poll(() => heardTone(call.farEnd.received, BOT), { timeout: 5000 }).toBeLessThan(SILENT);
    const musicHeardAt = Date.now();
    await expect(pageA.getByTestId('incoming-call')).toHaveCount(0);
    // The caller waits at least 4 s on the music before Asha is ready.
    await expect.poll(() => Date.now() - musicHeardAt, { timeout: 10_000 }).toBeGreaterThanOrEqual(4000);
    await pageA.getByTestId('agent-status').selectOption('available');

    // Asha's card rings with the caller's wait, not only its own ring time, and the bot's summary and facts.
    const note = pageA.getByTestId('assistant-note');
    await expect(note).toContainText('From the assistant: Wants to change the delivery address of order A-1042.', {
      timeout: 10_000,
    });
    await expect(pageA.getByTestId('assistant-facts')).toContainText('A-1042');
    await expect(pageA.getByTestId('call-queue')).toHaveText('Queue: Support');
    const seconds = (text: string) => text.split(':').reduce((total, part) => total * 60 + Number(part), 0);
    await expect(pageA.getByTestId('customer-waiting')).toHaveText(/^waiting \d+:\d\d$/);
    const waitedText = (await pageA.getByTestId('customer-waiting').textContent()) ?? '';
    const ringText = (await pageA.getByTestId('ring-time').textContent()) ?? '';
    expect(seconds(waitedText.replace('waiting ', '')) - seconds(ringText)).toBeGreaterThanOrEqual(4);

    await pageA.getByTestId('answer').click();
    await expect(pageA.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    // The call view keeps what the assistant said, as does the held call, and again once Asha takes it back.
    const onCallNote = pageA.getByTestId('in-call').getByTestId('assistant-note');
    await expect(onCallNote).toContainText('From the assistant: Wants to change the delivery address of order A-1042.');
    await expect(pageA.getByTestId('in-call').getByTestId('assistant-facts')).toContainText('A-1042');
    // What the bot and the caller said is one click away.
    const transcript = pageA.getByTestId('in-call').getByTestId('assistant-transcript');
    await expect(transcript.locator('summary')).toHaveText('Conversation with the assistant');
    await expect(transcript.getByText('Assistant: Hello, how can I help?')).toBeHidden();
    await transcript.locator('summary').click();
    await expect(transcript.getByText('Assistant: Hello, how can I help?')).toBeVisible();
    await expect(transcript).toContainText(/Customer: \((a steady 440 Hz tone|silence)\)/);
    await pageA.getByTestId('hold').click();
    await expect(pageA.getByTestId('held-call').getByTestId('assistant-note')).toContainText(
      'From the assistant: Wants to change the delivery address of order A-1042.',
    );
    await pageA.getByTestId('held-resume').click();
    await expect(pageA.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await expect(onCallNote).toContainText('From the assistant: Wants to change the delivery address of order A-1042.');
    await expect.poll(() => heardTone(call.farEnd.received, ASHA), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    await expect.poll(() => heardTone(call.farEnd.received, MUSIC), { timeout: 5000 }).toBeLessThan(SILENT);
    await expect.poll(() => deskHears(pageA, CALLER), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    // WhatsApp was answered once, for the bot; the agent's answer moved nothing on Meta's side.
    expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
    await pageA.getByTestId('hangup').click();
    await expect(pageA.getByTestId('end-reason')).toHaveText('Call ended');
    expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
  } finally {
    await team.close();
    await bot.close();
    await janus.stop();
  }
});

test('Asha hands the call she answered to the survey bot with a note: the caller hears Asha, then the bot; her call ends into the wrap-up, and the bot ends the call on WhatsApp', async ({
  browser,
}) => {
  const SURVEY = 800;
  const SURVEY_TOKEN = 'survey-desk-bot-token-0123456789abcdef012';
  const janus = await startTestJanus();
  const surveyOptions = {
    token: SURVEY_TOKEN,
    toneHz: SURVEY,
    hearHz: CALLER,
    endAfterMs: 6000,
    relayUrl: undefined as string | undefined,
  };
  const survey = await startScriptedBot(surveyOptions);
  const queues = TeamQueues.parse({
    defaultQueue: 'support',
    repeatCallerMinutes: 0,
    queues: [
      {
        id: 'support',
        name: 'Support',
        media: 'anchored',
        ringSeconds: 30,
        agents: { asha: 9 },
        handBack: [{ id: 'survey', name: 'Survey', url: survey.url, token: SURVEY_TOKEN }],
      },
    ],
  });
  const team = await startTeam(browser, {
    queues,
    janusUrls: [janus.url],
    janusAccess: janus.access,
    voices: { asha: ASHA, ben: 500 },
  });
  const { sim, pageA } = team;
  try {
    surveyOptions.relayUrl = team.relays[0]!.agentUrl.replace(/^ws/, 'http');
    const call = await sim.placeCall({
      name: 'Survey Caller',
      farEnd: { toneHz: CALLER, edgeHost: mediaHostAddress() },
    });
    await pageA.getByTestId('answer').click({ timeout: 15_000 });
    await expect(pageA.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await expect.poll(() => heardTone(call.farEnd.received, ASHA), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);

    await pageA.getByTestId('hand-to-assistant').click();
    await expect(pageA.getByTestId('assistant-choice')).toHaveValue('survey');
    await pageA.getByTestId('assistant-note-input').fill('Refund agreed; ask how we did.');
    await pageA.getByTestId('hand-over').click();
    // Her call leaves the desk into the wrap-up; the caller hears the bot and no longer Asha.
    await expect(pageA.getByTestId('wrap-up')).toBeVisible({ timeout: 10_000 });
    await expect(pageA.getByTestId('wrap-up').getByTestId('end-reason')).toHaveText('Handed to Survey');
    await expect.poll(() => heardTone(call.farEnd.received, SURVEY), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    await expect.poll(() => heardTone(call.farEnd.received, ASHA), { timeout: 5000 }).toBeLessThan(SILENT);
    expect(survey.offers.at(-1)!.body.request_data).toMatchObject({
      handBack: { note: 'Refund agreed; ask how we did.' },
    });
    await expect.poll(() => survey.ends.map((e) => e.status), { timeout: 15_000 }).toEqual([202]);
    expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
  } finally {
    await team.close();
    await survey.close();
    await janus.stop();
  }
});
