import type { Page } from '@playwright/test';
import { toneWav } from '../sim/callMediaFiles';
import { recentPitch } from '../sim/farEnd';
import { expect, test } from './phoneFixture';

async function openAudioSettings(page: Page): Promise<void> {
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-audio').click();
}

test('the operator’s hold music: an unreadable file is refused with the reason; a real one is what held callers hear', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await openAudioSettings(page);
  await page.getByTestId('hold-music-file').setInputFiles({
    name: 'notes.txt',
    mimeType: 'audio/mpeg',
    buffer: Buffer.from('this is not audio'),
  });
  await expect(page.getByTestId('hold-music-error')).toContainText('notes.txt cannot be used as hold music');
  await expect(page.getByTestId('hold-music-current')).toHaveText('Callers on hold hear the built-in music.');

  await page.getByTestId('hold-music-file').setInputFiles({
    name: 'jingle.wav',
    mimeType: 'audio/wav',
    // The operator's own hold music: 3 s of a 1 kHz sine.
    buffer: toneWav(3, 1000, 16_000, 12_000),
  });
  await expect(page.getByTestId('hold-music-current')).toHaveText('Callers on hold hear jingle.wav.');
  // It survives a reload (kept in the data folder).
  await page.reload();
  await openAudioSettings(page);
  await expect(page.getByTestId('hold-music-current')).toHaveText('Callers on hold hear jingle.wav.');

  await page.getByTestId('tab-phone').click();
  const call = await sim.placeCall();
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await page.getByTestId('hold').click();
  // The readings settle on the jingle's 1 kHz once the codec has left the agent's voice behind; the built-in
  // loop (523–784 Hz) or silence never lands in this band.
  await expect
    .poll(
      () => {
        const hz = recentPitch(call.farEnd.received) ?? 0;
        return hz > 900 && hz < 1100 ? 'the jingle' : `${hz} Hz`;
      },
      { timeout: 8000 },
    )
    .toBe('the jingle');
});
