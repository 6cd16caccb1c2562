import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryUpdate } from '../shared/historySchemas';
import { createMemoryLogger } from '../whatsapp/logger';
import { customerDigest } from '../whatsapp/customerDigest';
import { openCallHistory, type CallHistory } from './callHistory';
import { fileStem } from './callMedia';
import { applyTeamDataPolicy } from './teamDataPolicy';

const DAY = 24 * 3600_000;
const NOW = Date.UTC(2026, 11, 6, 12);
let history: CallHistory | undefined;
afterEach(() => history?.close());

/** A desk's history with a few calls, their notes, and WhatsApp's recording and transcript files for each. */
function deskWith(calls: Array<{ id: string; number: string; daysAgo: number; username?: string }>) {
  const dir = mkdtempSync(join(tmpdir(), 'desk-policy-'));
  const media = join(dir, 'media');
  history = openCallHistory(join(dir, 'history.sqlite'));
  const h = history;
  mkdirSync(media);
  for (const c of calls) {
    const at = NOW - c.daysAgo * DAY;
    h.record({
      callId: c.id,
      direction: 'inbound',
      number: c.number,
      username: c.username,
      offeredAtMs: at,
      answeredAtMs: at + 1000,
      endedAtMs: at + 60_000,
      endReason: 'remote_hangup',
    } satisfies HistoryUpdate);
    h.recordWrapUp(c.id, 'Resolved', `notes about ${c.number}`);
    h.recordRating(c.id, 4);
    writeFileSync(join(media, `${fileStem(c.id)}-recording.ogg`), 'voice');
    writeFileSync(join(media, `${fileStem(c.id)}-transcript.json`), '{}');
    h.media.setRecording(c.id, `${fileStem(c.id)}-recording.ogg`, 'audio/ogg');
    h.media.setTranscript(c.id, 'Customer: hello');
  }
  const files = (id: string) =>
    [`${fileStem(id)}-recording.ogg`, `${fileStem(id)}-transcript.json`].map((f) => existsSync(join(media, f)));
  return { h, media, files, log: createMemoryLogger() };
}

describe('a desk applies the team’s retention policy and erasures to its own history', () => {
  it('drops calls older than the records are kept, their notes and WhatsApp media sooner, each with its files', () => {
    const { h, media, files, log } = deskWith([
      { id: 'old', number: '447700900001', daysAgo: 400 },
      { id: 'month', number: '447700900002', daysAgo: 40 },
      { id: 'week', number: '447700900003', daysAgo: 3 },
    ]);
    const counts = applyTeamDataPolicy(
      { history: h, mediaFolder: media, log },
      { retention: { callRecords: 365, notes: 30, metaMedia: 7, surveyAnswers: 30 } },
      NOW,
    );
    expect(counts).toEqual({ calls: 1, notes: 1, metaMedia: 1, surveyAnswers: 1, erasedCalls: 0 });
    expect(h.find('old')).toBeUndefined();
    expect(files('old')).toEqual([false, false]);
    expect(h.find('month')).toMatchObject({ outcome: 'Resolved', notes: undefined, transcript: undefined });
    expect(h.find('month')?.csat).toBeUndefined();
    expect(h.find('month')?.recordingMimeType).toBeUndefined();
    expect(files('month')).toEqual([false, false]);
    expect(h.find('week')).toMatchObject({ notes: 'notes about 447700900003', transcript: 'Customer: hello', csat: 4 });
    expect(files('week')).toEqual([true, true]);
    // Applied again (the next welcome), nothing more goes.
    expect(
      applyTeamDataPolicy({ history: h, mediaFolder: media, log }, { retention: { callRecords: 365 } }, NOW),
    ).toEqual({ calls: 0, notes: 0, metaMedia: 0, surveyAnswers: 0, erasedCalls: 0 });
  });

  it('forgets an erased customer’s calls (by number or user ID) up to the erasure, not their later calls, nor others', () => {
    const { h, media, files, log } = deskWith([
      { id: 'a1', number: '447700900731', daysAgo: 20 },
      { id: 'a2', number: '447700900731', daysAgo: 2 },
      { id: 'u1', number: 'US.1349120865530', daysAgo: 5 },
      { id: 'b1', number: '447700900999', daysAgo: 2 },
    ]);
    h.permissionRequests.add('447700900731', NOW - 3 * DAY);
    h.permissionRequests.add('447700900999', NOW - 3 * DAY);
    const counts = applyTeamDataPolicy(
      { history: h, mediaFolder: media, log },
      {
        erasedCustomers: [
          // Erased a day ago: the call 2 days ago goes, a call after the erasure would be a new one.
          { digest: customerDigest('447700900731'), atMs: NOW - 1 * DAY },
          { digest: customerDigest('US.1349120865530'), atMs: NOW },
        ],
      },
      NOW,
    );
    expect(counts.erasedCalls).toBe(3);
    expect(h.list({ search: '', missedOnly: false, limit: 10 }).map((e) => e.callId)).toEqual(['b1']);
    expect([files('a1'), files('a2'), files('u1')]).toEqual([
      [false, false],
      [false, false],
      [false, false],
    ]);
    expect(files('b1')).toEqual([true, true]);
    expect(h.permissionRequests.sentAt('447700900731', 0)).toEqual([]);
    expect(h.permissionRequests.sentAt('447700900999', 0)).toHaveLength(1);

    h.record({
      callId: 'a3',
      direction: 'inbound',
      number: '447700900731',
      offeredAtMs: NOW,
      endedAtMs: NOW + 1000,
      endReason: 'missed',
    } satisfies HistoryUpdate);
    applyTeamDataPolicy(
      { history: h, mediaFolder: media, log },
      { erasedCustomers: [{ digest: customerDigest('447700900731'), atMs: NOW - 1 * DAY }] },
      NOW,
    );
    expect(h.find('a3')).toBeDefined();
  });
});
