import { api } from './bridge';
import { i18n } from './i18n';
import { resultText } from './views/Said';

let decoded: { name: string; buffer: AudioBuffer } | undefined;

/** The operator's hold music, decoded once; undefined: the built-in loop plays. */
export const holdMusicBuffer = (): AudioBuffer | undefined => decoded?.buffer;
export const holdMusicName = (): string | undefined => decoded?.name;

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

async function decode(bytes: ArrayBuffer): Promise<AudioBuffer> {
  const context = new OfflineAudioContext(1, 1, 48_000);
  return context.decodeAudioData(bytes);
}

/** Reads the stored file at start; a file that no longer decodes falls back to the built-in loop. */
export async function loadHoldMusic(): Promise<void> {
  const stored = await api.invoke('settings:holdMusicGet', {});
  if (!stored.dataBase64 || !stored.name) return void (decoded = undefined);
  const bytes = Uint8Array.from(atob(stored.dataBase64), (c) => c.charCodeAt(0));
  decoded = await decode(bytes.buffer).then(
    (buffer) => ({ name: stored.name!, buffer }),
    () => undefined,
  );
}

/**
 * Checks the chosen file is audio this phone can play, then stores it. Returns a sentence on refusal:
 * unreadable, or too short to loop pleasantly.
 */
export async function chooseHoldMusic(file: File): Promise<{ ok: true } | { ok: false; reason: string }> {
  const bytes = await file.arrayBuffer();
  let buffer: AudioBuffer;
  try {
    buffer = await decode(bytes.slice(0));
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  if (buffer.duration < 1) return { ok: false, reason: i18n.t('holdMusic.tooShort') };
  const saved = await api.invoke('settings:holdMusicSave', {
    name: file.name,
    dataBase64: toBase64(new Uint8Array(bytes)),
  });
  if (!saved.ok) return { ok: false, reason: resultText(saved, i18n.t) };
  decoded = { name: file.name, buffer };
  return { ok: true };
}

export async function restoreBuiltInHoldMusic(): Promise<void> {
  await api.invoke('settings:holdMusicSave', { name: '', dataBase64: '' });
  decoded = undefined;
}
