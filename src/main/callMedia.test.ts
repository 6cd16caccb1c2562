import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallMediaNotice } from '../shared/metaCapture';
import { createLogger } from '../whatsapp/logger';
import { openCallHistory, type CallHistory } from './callHistory';
import { createCallMedia } from './callMedia';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('base64');
const TRANSCRIPT = Buffer.from(
  JSON.stringify({
    transcript: {
      text: '[Business] Hi [Customer] Hello',
      segments: [
        { speaker: 'Business', start: 0, text: 'Hi' },
        { speaker: 'Customer', start: 1, text: 'Hello' },
      ],
    },
  }),
);

let dir: string;
let history: CallHistory;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'call-media-'));
  history = openCallHistory(join(dir, 'history.sqlite'));
  history.record({
    callId: 'wacid.A',
    direction: 'inbound',
    number: '4477001',
    offeredAtMs: 1,
    answeredAtMs: 2,
    endedAtMs: 3,
    endReason: 'remote_hangup',
    captured: ['recording', 'transcription'],
  });
  history.recordWrapUp('wacid.A', 'Resolved', 'parcel resent');
});
afterEach(() => {
  history.close();
  rmSync(dir, { recursive: true, force: true });
});

function media(files: Record<string, Buffer | Error>) {
  const changes: string[] = [];
  const store = createCallMedia({
    folder: join(dir, 'call-media'),
    history,
    logger: createLogger({ level: 'error' }),
    onChange: (callId) => changes.push(callId),
    download: async (notice) => {
      const file = files[notice.mediaId];
      if (!file || file instanceof Error) throw file ?? new Error('no such media');
      return { bytes: file };
    },
  });
  return { store, changes };
}

const recording = (bytes: Buffer, over: Partial<CallMediaNotice> = {}): CallMediaNotice => ({
  callId: 'wacid.A',
  kind: 'recording',
  mediaId: 'm1',
  sha256: sha(bytes),
  mimeType: 'audio/ogg; codecs=opus',
  ...over,
});

describe('WhatsApp recordings and transcripts kept with the call', () => {
  it('downloads, checks and keeps both, readable by this user only, and the row shows them', async () => {
    const audio = Buffer.from('OggS audio bytes');
    const { store, changes } = media({ m1: audio, t1: TRANSCRIPT });
    await store.take(recording(audio));
    await store.take({ callId: 'wacid.A', kind: 'transcript', mediaId: 't1', sha256: sha(TRANSCRIPT) });
    const row = history.find('wacid.A')!;
    expect(row).toMatchObject({
      recordingMimeType: 'audio/ogg; codecs=opus',
      transcript: 'Business: Hi\nCustomer: Hello',
      outcome: 'Resolved',
      captured: ['recording', 'transcription'],
    });
    expect(row.mediaProblem).toBeUndefined();
    expect(store.read('wacid.A')?.bytes.equals(audio)).toBe(true);
    const files = readdirSync(join(dir, 'call-media'));
    expect(files.some((f) => f.endsWith('-recording.ogg'))).toBe(true);
    for (const f of files) expect(statSync(join(dir, 'call-media', f)).mode & 0o077).toBe(0);
    expect(changes).toEqual(['wacid.A', 'wacid.A']);
    expect(history.list({ search: 'Customer: Hello', missedOnly: false, limit: 10 })).toHaveLength(1);
  });

  it('refuses a file that does not match Meta\'s checksum, keeps the row, and fetches it again on "Try again"', async () => {
    const audio = Buffer.from('the real recording');
    const files: Record<string, Buffer | Error> = { m1: Buffer.from('a damaged transfer') };
    const { store } = media(files);
    await store.take(recording(audio));
    const row = history.find('wacid.A')!;
    expect(row.mediaProblem).toMatch(/does not match WhatsApp's checksum.*Try again/);
    expect(row.mediaProblemSaid).toEqual([{ key: 'recordingChecksum' }, { key: 'mediaTryAgain' }]);
    expect(row.recordingMimeType).toBeUndefined();
    expect(row.outcome).toBe('Resolved');
    expect(row.notes).toBe('parcel resent');
    files.m1 = audio;
    expect(await store.retry('wacid.A')).toEqual({ ok: true });
    expect(history.find('wacid.A')).toMatchObject({ recordingMimeType: 'audio/ogg; codecs=opus' });
    expect(history.find('wacid.A')?.mediaProblem).toBeUndefined();
    expect(history.find('wacid.A')?.mediaProblemSaid).toBeUndefined();
  });

  it('says which download failed and keeps the notice for later', async () => {
    const { store } = media({ m1: new Error('HTTP 500') });
    await store.take(recording(Buffer.from('x')));
    expect(history.find('wacid.A')?.mediaProblem).toBe(
      "WhatsApp's call recording could not be downloaded. Try again from History; WhatsApp keeps it for 7 days.",
    );
    expect(history.media.notices('wacid.A')).toHaveLength(1);
  });

  it('says so when the transcript is not a transcript', async () => {
    const junk = Buffer.from('<html>not json</html>');
    const { store } = media({ t1: junk });
    await store.take({ callId: 'wacid.A', kind: 'transcript', mediaId: 't1', sha256: sha(junk) });
    expect(history.find('wacid.A')?.mediaProblem).toContain('The transcript WhatsApp sent could not be read.');
  });

  it('leaves alone a notice for a call this desk never had', async () => {
    const { store, changes } = media({});
    await store.take(recording(Buffer.from('x'), { callId: 'wacid.someone-else' }));
    expect(changes).toEqual([]);
    expect(await store.retry('wacid.someone-else')).toMatchObject({ ok: false });
  });
});
