import { readFileSync, rmSync } from 'node:fs';
import { writeAtomically } from './settingsStore';

/** The operator's hold music can be at most this large (a few minutes of compressed audio). */
export const HOLD_MUSIC_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Keeps the operator's hold-music file in the data folder, next to a small JSON naming it. The page decodes it
 * before offering it here, so what is stored is audio Chromium can play; this side only bounds its size.
 */
export function openHoldMusicStore(path: string) {
  const metaPath = `${path}.json`;
  return {
    save(name: string, bytes: Buffer): { ok: true } | { ok: false; error: string } {
      if (bytes.length === 0) return { ok: false, error: 'The hold music file is empty.' };
      if (bytes.length > HOLD_MUSIC_MAX_BYTES)
        return { ok: false, error: 'The hold music file is larger than 8 MB: choose a shorter or compressed one.' };
      writeAtomically(path, bytes);
      writeAtomically(metaPath, JSON.stringify({ name }));
      return { ok: true };
    },
    load(): { name: string; bytes: Buffer } | undefined {
      try {
        const { name } = JSON.parse(readFileSync(metaPath, 'utf8')) as { name: string };
        return { name, bytes: readFileSync(path) };
      } catch {
        return undefined;
      }
    },
    clear(): void {
      rmSync(path, { force: true });
      rmSync(metaPath, { force: true });
    },
  };
}

export type HoldMusicStore = ReturnType<typeof openHoldMusicStore>;
