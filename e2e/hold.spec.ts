import type { Page } from '@playwright/test';
import { recentPitch } from '../sim/farEnd';
import { giveVoiceAndEars } from '../sim/pageVoice';
import { expect, openPhone, test } from './phoneFixture';

/** The agent's "voice": a steady 300 Hz tone, easy to tell from the 523-784 Hz hold loop at the far end. */
const agentSpeaks300Hz = (page: Page) => giveVoiceAndEars(page, 300);

const isVoice = (hz: number | undefined) => hz !== undefined && hz > 240 && hz < 360;
const isMusic = (hz: number | undefined) => hz !== undefined && hz > 450 && hz < 900;

test('hold for 60 s: the caller hears the hold loop the whole time, the call stays up, then hears the agent again', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await agentSpeaks300Hz(page);
  const phone = await openPhone(page);
  try {
    const call = await phone.sim.placeCall({ name: 'Held Customer' });
    await page.getByTestId('answer').click();
    await expect.poll(() => isVoice(recentPitch(call.farEnd.received)), { timeout: 10_000 }).toBe(true);

    await page.getByTestId('hold').click();
    await expect(page.getByTestId('held-call')).toBeVisible();
    await expect(page.getByTestId('held-call')).toHaveAttribute('data-caller-audio', 'off');
    await expect.poll(() => isMusic(recentPitch(call.farEnd.received)), { timeout: 5000 }).toBe(true);
    const loudAtHold = call.farEnd.received.loudFrames;
    // WhatsApp drops a call after 20 s without media: a minute on hold must keep the call and the music going.
    await page.waitForTimeout(60_000);
    expect(call.farEnd.connectionState).toBe('connected');
    expect(isMusic(recentPitch(call.farEnd.received))).toBe(true);
    expect(call.farEnd.received.loudFrames - loudAtHold).toBeGreaterThan(2500);
    await expect(page.getByTestId('held-time')).toHaveText(/^1:0\d$/);
    expect(phone.sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);

    await page.getByTestId('held-resume').click();
    await expect(page.getByTestId('in-call')).toHaveAttribute('data-caller-audio', 'on');
    await expect.poll(() => isVoice(recentPitch(call.farEnd.received)), { timeout: 5000 }).toBe(true);
  } finally {
    await phone.close();
  }
});

test('call waiting: a discreet tone, hold and answer, swap, and hanging up the live call never drops the held one', async ({
  page,
}) => {
  await agentSpeaks300Hz(page);
  const phone = await openPhone(page);
  try {
    const first = await phone.sim.placeCall({ name: 'First Caller' });
    await page.getByTestId('answer').click();
    await expect.poll(() => isVoice(recentPitch(first.farEnd.received)), { timeout: 10_000 }).toBe(true);

    const second = await phone.sim.placeCall({ name: 'Second Caller' });
    await expect(page.getByTestId('hold-and-answer')).toBeEnabled();
    await expect(page.getByTestId('phone')).toHaveAttribute('data-ringtone', 'waiting');
    await page.getByTestId('hold-and-answer').click();
    await expect(page.getByTestId('in-call').getByRole('heading')).toHaveText('Second Caller');
    await expect(page.getByTestId('held-call')).toContainText('First Caller');
    await expect.poll(() => isVoice(recentPitch(second.farEnd.received)), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => isMusic(recentPitch(first.farEnd.received)), { timeout: 5000 }).toBe(true);

    // Swap: the first caller hears the agent again, the second hears the hold loop.
    await page.getByTestId('held-resume').click();
    await expect(page.getByTestId('in-call').getByRole('heading')).toHaveText('First Caller');
    await expect.poll(() => isVoice(recentPitch(first.farEnd.received)), { timeout: 5000 }).toBe(true);
    await expect.poll(() => isMusic(recentPitch(second.farEnd.received)), { timeout: 5000 }).toBe(true);

    await page.getByTestId('hangup').click();
    await expect(page.getByTestId('held-call')).toContainText('Second Caller');
    expect(phone.sim.graph.actionsFor(second.callId)).toEqual(['pre_accept:200', 'accept:200']);
    await page.getByTestId('held-resume').click();
    await expect.poll(() => isVoice(recentPitch(second.farEnd.received)), { timeout: 5000 }).toBe(true);
  } finally {
    await phone.close();
  }
});
