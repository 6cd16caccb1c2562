import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOLD_MUSIC_MAX_BYTES, openHoldMusicStore } from './holdMusicStore';

describe('hold music store', () => {
  it('keeps the file and its name, private to this user, until cleared', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hold-')), 'hold-music');
    const store = openHoldMusicStore(path);
    expect(store.load()).toBeUndefined();
    expect(store.save('jingle.ogg', Buffer.from([1, 2, 3]))).toEqual({ ok: true });
    expect(store.load()).toEqual({ name: 'jingle.ogg', bytes: Buffer.from([1, 2, 3]) });
    expect(statSync(path).mode & 0o077).toBe(0);
    expect(openHoldMusicStore(path).load()?.name).toBe('jingle.ogg');
    store.clear();
    expect(store.load()).toBeUndefined();
  });

  it('refuses an empty or oversized file with a sentence, keeping what was there', () => {
    const store = openHoldMusicStore(join(mkdtempSync(join(tmpdir(), 'hold-')), 'hold-music'));
    store.save('a.mp3', Buffer.from([9]));
    expect(store.save('empty.mp3', Buffer.alloc(0))).toEqual({ ok: false, error: 'The hold music file is empty.' });
    const huge = store.save('huge.wav', Buffer.alloc(HOLD_MUSIC_MAX_BYTES + 1));
    expect(huge).toMatchObject({ ok: false, error: expect.stringContaining('larger than 8 MB') });
    expect(store.load()?.name).toBe('a.mp3');
  });
});
