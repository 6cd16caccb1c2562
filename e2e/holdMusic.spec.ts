import type { Page } from '@playwright/test';
import { recentPitch } from '../sim/farEnd';
import { expect, test } from './phoneFixture';

/** A WAV file holding `seconds` of a sine at `hz`: the operator's own hold music, made for the test. */
function sineWav(hz: number, seconds: number, rate = 16_000): Buffer {
  const samples = Math.round(seconds * rate);
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i += 1)
    wav.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * 12_000), 44 + i * 2);
  return wav;
}

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
    buffer: sineWav(1000, 3),
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
  await expect.poll(() => recentPitch(call.farEnd.received) ?? 0, { timeout: 8000 }).toBeGreaterThan(900);
  expect(recentPitch(call.farEnd.received)).toBeLessThan(1100);
});
