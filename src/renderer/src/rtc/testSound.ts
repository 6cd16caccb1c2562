import { routeAudio } from './devices';

/** A short 660 Hz beep as a WAV blob, built in memory. */
function beepWav(seconds = 0.6, frequency = 660, rate = 48_000): Blob {
  const samples = Math.floor(seconds * rate);
  const buffer = new ArrayBuffer(44 + samples * 2);
  const view = new DataView(buffer);
  const text = (offset: number, s: string) => [...s].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples * 2, true);
  text(8, 'WAVEfmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i += 1) {
    const fade = Math.min(1, i / 480, (samples - i) / 480);
    view.setInt16(44 + i * 2, Math.sin((2 * Math.PI * frequency * i) / rate) * 0.3 * fade * 32767, true);
  }
  return new Blob([buffer], { type: 'audio/wav' });
}

/** Plays the test beep on a device; resolves once it has played to the end. */
export async function playTestSound(deviceId?: string): Promise<void> {
  const url = URL.createObjectURL(beepWav());
  const audio = new Audio(url);
  try {
    await routeAudio(audio, deviceId);
    await audio.play();
    await new Promise<void>((resolve, reject) => {
      audio.onended = () => resolve();
      audio.onerror = () => reject(new Error('The test sound could not play.'));
    });
  } finally {
    URL.revokeObjectURL(url);
  }
}
