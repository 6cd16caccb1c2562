import type { CustomerSummary, HistoryEntry, HistoryQuery, HistoryUpdate } from '../shared/historySchemas';
import { CallMediaNotice } from '../shared/metaCapture';
import { csvText } from '../shared/csv';
import type { CallView } from '../shared/ipcContract';
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import type { SeenEventStore } from '../whatsapp/callEventFilter';
import { PERMISSION_REQUEST_MEMORY_MS } from '../shared/permissionRequestLimits';
import type { PermissionRequestLog } from './permissionRequestLog';
import { openSqlite, type SqlDatabase } from './sqlite';
import { Sentence } from '../shared/sentence';
import { createHistoryRetention } from './historyRetention';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS calls (
  call_id TEXT PRIMARY KEY,
  direction TEXT NOT NULL,
  number TEXT NOT NULL,
  name TEXT,
  offered_at INTEGER NOT NULL,
  answered_at INTEGER,
  ended_at INTEGER,
  end_reason TEXT,
  message TEXT,
  rtt_ms REAL,
  jitter_ms REAL,
  loss_pct REAL,
  mos REAL
);
CREATE INDEX IF NOT EXISTS calls_offered_at ON calls (offered_at DESC);
CREATE TABLE IF NOT EXISTS seen_events (
  event_key TEXT PRIMARY KEY,
  seen_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS seen_events_at ON seen_events (seen_at);
CREATE TABLE IF NOT EXISTS permission_requests (
  customer TEXT NOT NULL,
  sent_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS permission_requests_customer ON permission_requests (customer, sent_at);
`;

interface Row {
  call_id: string;
  direction: 'inbound' | 'outbound';
  number: string;
  name: string | null;
  offered_at: number;
  answered_at: number | null;
  ended_at: number | null;
  end_reason: HistoryEntry['endReason'] | null;
  message: string | null;
  said: string | null;
  rtt_ms: number | null;
  jitter_ms: number | null;
  loss_pct: number | null;
  mos: number | null;
  username: string | null;
  billed_duration_s: number | null;
  outcome: string | null;
  notes: string | null;
  followed_up_at: number | null;
  captured: string | null;
  recording_file: string | null;
  recording_mime: string | null;
  transcript: string | null;
  media_problem: string | null;
  media_problem_said: string | null;
  follow_up_of: string | null;
  callback_data: string | null;
  cta_payload: string | null;
  deeplink_payload: string | null;
  agent: string | null;
  csat: number | null;
}

/** The stored messages of a call's end; a row written before them, or damaged, has none. */
function saidOf(json: string | null): Sentence[] | undefined {
  if (json === null) return undefined;
  try {
    const parsed = Sentence.array().safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const orUndefined = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

function toEntry(row: Row): HistoryEntry {
  const answered = orUndefined(row.answered_at);
  const ended = orUndefined(row.ended_at);
  return {
    callId: row.call_id,
    direction: row.direction,
    number: row.number,
    name: orUndefined(row.name),
    offeredAtMs: row.offered_at,
    answeredAtMs: answered,
    endedAtMs: ended,
    endReason: orUndefined(row.end_reason),
    message: orUndefined(row.message),
    said: saidOf(row.said),
    durationSec: answered !== undefined && ended !== undefined ? Math.round((ended - answered) / 1000) : undefined,
    rttMs: orUndefined(row.rtt_ms),
    jitterMs: orUndefined(row.jitter_ms),
    lossPct: orUndefined(row.loss_pct),
    mos: orUndefined(row.mos),
    username: orUndefined(row.username),
    billedDurationSec: orUndefined(row.billed_duration_s),
    outcome: orUndefined(row.outcome),
    notes: orUndefined(row.notes),
    followedUpAtMs: orUndefined(row.followed_up_at),
    captured: row.captured ? (row.captured.split(',') as HistoryEntry['captured']) : undefined,
    recordingMimeType: row.recording_file ? (row.recording_mime ?? 'application/octet-stream') : undefined,
    transcript: orUndefined(row.transcript),
    mediaProblem: orUndefined(row.media_problem),
    mediaProblemSaid: saidOf(row.media_problem_said),
    followUpOf: orUndefined(row.follow_up_of),
    callbackData: orUndefined(row.callback_data),
    ctaPayload: orUndefined(row.cta_payload),
    deeplinkPayload: orUndefined(row.deeplink_payload),
    agent: orUndefined(row.agent),
    csat: orUndefined(row.csat),
  };
}

/** The history's view of a call as the coordinator publishes it. */
export function historyUpdateOf(view: CallView): HistoryUpdate {
  return {
    callId: view.callId,
    direction: view.direction,
    number: view.from,
    name: view.callerName,
    username: view.callerUsername,
    billedDurationSec: view.billedDurationSec,
    offeredAtMs: view.offeredAtMs,
    answeredAtMs: view.answeredAtMs,
    endedAtMs: view.endedAtMs,
    endReason: view.endReason,
    message: view.message,
    said: view.said,
    captured: view.captured,
    followUpOf: view.followUpOf,
    callbackData: view.callbackData,
    ctaPayload: view.ctaPayload,
    deeplinkPayload: view.deeplinkPayload,
    agent: view.agent,
    ...view.quality,
  };
}

/**
 * Every call, stored as it changes, in SQLite with a write-ahead log. Commits are not synced one by one (synchronous =
 * NORMAL): a crash of the app loses nothing, a power cut at most the last moments, and no call step waits on the disk
 * (a synced commit took 0.4 ms on a fast disk and several on a laptop's, for each step of every call).
 */
/** A LIKE pattern that finds the text anywhere, its own % and _ taken literally. */
const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
/** How a number is compared: without the "+", spaces and dashes people write in it. */
const numberSearch = (text: string): string => text.replace(/[+\s-]/g, '');
const NUMBER_PLAIN = "REPLACE(REPLACE(REPLACE(number, '+', ''), ' ', ''), '-', '')";

export function openCallHistory(path: string) {
  // Callers' numbers and names are personal data: readable by this user only (SQLite gives its side files the same mode).
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
  const db: SqlDatabase = openSqlite(path);
  try {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    db.exec(SCHEMA);
    // Added after the first release: customers known by username (Meta withholds their number).
    const columns = db.prepare('PRAGMA table_info(calls)').all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'username')) db.exec('ALTER TABLE calls ADD COLUMN username TEXT');
    if (!columns.some((c) => c.name === 'billed_duration_s'))
      db.exec('ALTER TABLE calls ADD COLUMN billed_duration_s REAL');
    // Added with after-call work: the agent's outcome code and notes.
    if (!columns.some((c) => c.name === 'outcome')) db.exec('ALTER TABLE calls ADD COLUMN outcome TEXT');
    if (!columns.some((c) => c.name === 'notes')) db.exec('ALTER TABLE calls ADD COLUMN notes TEXT');
    // A missed call the agent has dealt with (called back elsewhere, or nothing to do).
    if (!columns.some((c) => c.name === 'done_at')) db.exec('ALTER TABLE calls ADD COLUMN done_at INTEGER');
    // When a WhatsApp message followed a missed call up.
    if (!columns.some((c) => c.name === 'followed_up_at'))
      db.exec('ALTER TABLE calls ADD COLUMN followed_up_at INTEGER');
    // WhatsApp's own recording and transcript of a call, and the notices that announced them (to fetch again).
    for (const [name, type] of [
      ['captured', 'TEXT'],
      ['recording_file', 'TEXT'],
      ['recording_mime', 'TEXT'],
      ['transcript', 'TEXT'],
      ['media_problem', 'TEXT'],
      ['media_problem_said', 'TEXT'],
      ['media_notices', 'TEXT'],
      // The missed call whose follow-up (with a call button) this call answers.
      ['follow_up_of', 'TEXT'],
      // biz_opaque_callback_data echoed by WhatsApp, and the payloads of the call button or deep link tapped.
      ['callback_data', 'TEXT'],
      ['cta_payload', 'TEXT'],
      ['deeplink_payload', 'TEXT'],
      // Why the call ended, as the page's messages (JSON), beside the English message.
      ['said', 'TEXT'],
      // Team relay: the agent who took the call, and the customer's post-call survey rating (1 to 5).
      ['agent', 'TEXT'],
      ['csat', 'INTEGER'],
    ])
      if (!columns.some((c) => c.name === name)) db.exec(`ALTER TABLE calls ADD COLUMN ${name} ${type}`);
    const check = db.prepare('PRAGMA quick_check').get() as Record<string, unknown> | undefined;
    if (check && Object.values(check)[0] !== 'ok')
      throw new Error(`history database damaged: ${JSON.stringify(check)}`);
    // Calls that were live when the app stopped never got their end: say so instead of "in progress" forever.
    db.exec(
      `UPDATE calls SET end_reason = 'failed', message = 'The app stopped during this call.', said = '[{"key":"appStopped"}]' WHERE end_reason IS NULL`,
    );
  } catch (error) {
    db.close();
    throw error;
  }
  const upsert = db.prepare(`
    INSERT INTO calls (call_id, direction, number, name, offered_at, answered_at, ended_at, end_reason, message, rtt_ms, jitter_ms, loss_pct, mos, username, billed_duration_s, captured, follow_up_of, callback_data, cta_payload, deeplink_payload, said, agent)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (call_id) DO UPDATE SET captured = COALESCE(excluded.captured, captured),
      agent = COALESCE(excluded.agent, agent),
      callback_data = COALESCE(excluded.callback_data, callback_data),
      cta_payload = COALESCE(excluded.cta_payload, cta_payload),
      deeplink_payload = COALESCE(excluded.deeplink_payload, deeplink_payload),
      follow_up_of = COALESCE(excluded.follow_up_of, follow_up_of),
      name = COALESCE(excluded.name, name), username = COALESCE(excluded.username, username),
      billed_duration_s = COALESCE(excluded.billed_duration_s, billed_duration_s), answered_at = excluded.answered_at, ended_at = excluded.ended_at,
      end_reason = excluded.end_reason, message = excluded.message, said = excluded.said,
      rtt_ms = COALESCE(excluded.rtt_ms, rtt_ms), jitter_ms = COALESCE(excluded.jitter_ms, jitter_ms),
      loss_pct = COALESCE(excluded.loss_pct, loss_pct), mos = COALESCE(excluded.mos, mos)`);

  function record(call: HistoryUpdate): void {
    upsert.run(
      call.callId,
      call.direction,
      call.number,
      call.name ?? null,
      call.offeredAtMs,
      call.answeredAtMs ?? null,
      call.endedAtMs ?? null,
      call.endReason ?? null,
      call.message ?? null,
      call.rttMs ?? null,
      call.jitterMs ?? null,
      call.lossPct ?? null,
      call.mos ?? null,
      call.username ?? null,
      call.billedDurationSec ?? null,
      call.captured && call.captured.length > 0 ? call.captured.join(',') : null,
      call.followUpOf ?? null,
      call.callbackData ?? null,
      call.ctaPayload ?? null,
      call.deeplinkPayload ?? null,
      call.said?.length ? JSON.stringify(call.said) : null,
      call.agent ?? null,
    );
  }

  const ratingSet = db.prepare('UPDATE calls SET csat = ? WHERE call_id = ?');
  const unratedStatement = db.prepare(
    'SELECT call_id FROM calls WHERE agent IS NOT NULL AND csat IS NULL AND answered_at > ? ORDER BY offered_at DESC LIMIT 200',
  );
  /** Calls a team agent took since then that have no survey rating yet (newest 200). */
  function unratedCalls(sinceMs: number): string[] {
    return (unratedStatement.all(sinceMs) as Array<{ call_id: string }>).map((r) => r.call_id);
  }
  /** The customer's post-call survey rating (team relay); false when the call is not in this desk's history. */
  function recordRating(callId: string, score: number): boolean {
    return Number(ratingSet.run(score, callId).changes) > 0;
  }

  const mediaNoticesOf = db.prepare('SELECT media_notices FROM calls WHERE call_id = ?');
  const mediaNoticesSet = db.prepare('UPDATE calls SET media_notices = ? WHERE call_id = ?');
  /** Remembers WhatsApp's notice of a recording or transcript, so it can be fetched again; false for an unknown call. */
  function noteMedia(notice: CallMediaNotice): boolean {
    const row = mediaNoticesOf.get(notice.callId) as { media_notices: string | null } | undefined;
    if (!row) return false;
    const known = mediaNotices(notice.callId).filter((n) => n.kind !== notice.kind);
    mediaNoticesSet.run(JSON.stringify([...known, notice]), notice.callId);
    return true;
  }
  function mediaNotices(callId: string): CallMediaNotice[] {
    const row = mediaNoticesOf.get(callId) as { media_notices: string | null } | undefined;
    if (!row?.media_notices) return [];
    try {
      return CallMediaNotice.array().parse(JSON.parse(row.media_notices));
    } catch {
      return [];
    }
  }
  const recordingSet = db.prepare('UPDATE calls SET recording_file = ?, recording_mime = ? WHERE call_id = ?');
  const recordingOf = db.prepare('SELECT recording_file, recording_mime FROM calls WHERE call_id = ?');
  const transcriptSet = db.prepare('UPDATE calls SET transcript = ? WHERE call_id = ?');
  const problemSet = db.prepare('UPDATE calls SET media_problem = ?, media_problem_said = ? WHERE call_id = ?');
  const media = {
    note: noteMedia,
    notices: mediaNotices,
    setRecording: (callId: string, file: string, mimeType: string) => void recordingSet.run(file, mimeType, callId),
    recording(callId: string): { file: string; mimeType: string } | undefined {
      const row = recordingOf.get(callId) as
        { recording_file: string | null; recording_mime: string | null } | undefined;
      return row?.recording_file ? { file: row.recording_file, mimeType: row.recording_mime ?? '' } : undefined;
    },
    setTranscript: (callId: string, text: string) => void transcriptSet.run(text, callId),
    hasTranscript: (callId: string): boolean => Boolean(find(callId)?.transcript),
    /** The sentence shown in the row; undefined clears it. */
    setProblem: (callId: string, sentence: string | undefined, said?: Sentence[]) =>
      void problemSet.run(sentence ?? null, said?.length ? JSON.stringify(said) : null, callId),
  };

  const wrapUpUpdate = db.prepare('UPDATE calls SET outcome = ?, notes = ? WHERE call_id = ?');
  /** The agent's after-call work; false when the call is not in the history. */
  function recordWrapUp(callId: string, outcome: string, notes: string): boolean {
    return Number(wrapUpUpdate.run(outcome, notes === '' ? null : notes, callId).changes) > 0;
  }

  const customerCount = db.prepare('SELECT COUNT(*) AS n FROM calls WHERE number = ? AND call_id <> ?');
  const customerLast = db.prepare(
    'SELECT * FROM calls WHERE number = ? AND call_id <> ? ORDER BY offered_at DESC LIMIT 1',
  );
  /** This customer's earlier calls (phone number or business-scoped user ID), the current one left out. */
  function customerSummary(customer: string, exceptCallId: string): CustomerSummary {
    const { n } = customerCount.get(customer, exceptCallId) as { n: number };
    const last = customerLast.get(customer, exceptCallId) as Row | undefined;
    return { earlierCalls: Number(n), last: last ? toEntry(last) : undefined };
  }

  // Missed and not yet dealt with: not marked done, and no call placed to that customer since.
  const PENDING_MISSED = `FROM calls m WHERE m.direction = 'inbound' AND m.end_reason = 'missed' AND m.done_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM calls o WHERE o.direction = 'outbound' AND o.number = m.number AND o.offered_at > m.offered_at)`;
  const pendingMissed = db.prepare(`SELECT * ${PENDING_MISSED} ORDER BY m.offered_at DESC LIMIT 200`);
  const pendingMissedCount = db.prepare(`SELECT COUNT(*) AS n ${PENDING_MISSED}`);
  const markDoneStatement = db.prepare('UPDATE calls SET done_at = ? WHERE call_id = ?');
  /** Missed calls still to call back, newest first. */
  function toCallBack(): HistoryEntry[] {
    return (pendingMissed.all() as Row[]).map(toEntry);
  }
  /** How many missed calls are still to call back (the list itself shows the newest 200). */
  function toCallBackCount(): number {
    return Number((pendingMissedCount.get() as { n: number | bigint }).n);
  }
  function markDone(callId: string, atMs: number): boolean {
    return Number(markDoneStatement.run(atMs, callId).changes) > 0;
  }
  const handledStatement = db.prepare(
    `UPDATE calls SET done_at = ? WHERE direction = 'inbound' AND end_reason = 'missed' AND done_at IS NULL
       AND number = ? AND offered_at <= ?`,
  );
  /** A colleague dealt with this customer: their missed calls up to then leave the list; how many did. */
  function markMissedHandled(customer: string, atMs: number): number {
    return Number(handledStatement.run(atMs, customer, atMs).changes);
  }
  const pendingCustomersStatement = db.prepare(`SELECT DISTINCT m.number AS n ${PENDING_MISSED} LIMIT 200`);
  /** The customers still on the To call back list. */
  function pendingMissedCustomers(): string[] {
    return (pendingCustomersStatement.all() as Array<{ n: string }>).map((r) => r.n);
  }
  const followedUpStatement = db.prepare('UPDATE calls SET followed_up_at = ?, done_at = ? WHERE call_id = ?');
  /** A follow-up message went to this call's customer: the call is dealt with. */
  function recordFollowUp(callId: string, atMs: number): void {
    followedUpStatement.run(atMs, atMs, callId);
  }
  const findStatement = db.prepare('SELECT * FROM calls WHERE call_id = ?');
  function find(callId: string): HistoryEntry | undefined {
    const row = findStatement.get(callId) as Row | undefined;
    return row && toEntry(row);
  }

  function list(query: HistoryQuery): HistoryEntry[] {
    const like = likePattern(query.search);
    const digits = numberSearch(query.search);
    const numberLike = digits === '' ? like : likePattern(digits);
    const rows = db
      .prepare(
        `SELECT * FROM calls
         WHERE (${NUMBER_PLAIN} LIKE ? ESCAPE '\\' OR IFNULL(name, '') LIKE ? ESCAPE '\\' OR IFNULL(username, '') LIKE ? ESCAPE '\\'
                OR IFNULL(outcome, '') LIKE ? ESCAPE '\\' OR IFNULL(notes, '') LIKE ? ESCAPE '\\'
                OR IFNULL(transcript, '') LIKE ? ESCAPE '\\')
           AND (? = 0 OR end_reason = 'missed')
         ORDER BY offered_at DESC LIMIT ?`,
      )
      .all(numberLike, like, like, like, like, like, query.missedOnly ? 1 : 0, query.limit) as Row[];
    return rows.map(toEntry);
  }

  function exportCsv(query: HistoryQuery): string {
    const header = [
      'call_id',
      'direction',
      'number',
      'name',
      'started',
      'answered',
      'ended',
      'duration_s',
      'end_reason',
      'message',
      'rtt_ms',
      'jitter_ms',
      'loss_pct',
      'mos',
      'username',
      'billed_duration_s',
      'outcome',
      'notes',
      'recorded',
      'transcript',
      'callback_data',
      'cta_payload',
      'deeplink_payload',
      'agent',
      'csat',
    ];
    const iso = (ms?: number) => (ms === undefined ? undefined : new Date(ms).toISOString());
    const rows = list({ ...query, limit: 1000 }).map((e) => [
      e.callId,
      e.direction,
      e.number,
      e.name,
      iso(e.offeredAtMs),
      iso(e.answeredAtMs),
      iso(e.endedAtMs),
      e.durationSec,
      e.endReason,
      e.message,
      e.rttMs,
      e.jitterMs,
      e.lossPct,
      e.mos,
      e.username,
      e.billedDurationSec,
      e.outcome,
      e.notes,
      e.recordingMimeType ? 'yes' : e.captured?.includes('recording') ? 'requested' : '',
      e.transcript,
      e.callbackData,
      e.ctaPayload,
      e.deeplinkPayload,
      e.agent,
      e.csat,
    ]);
    return csvText([header, ...rows]);
  }

  /** Webhook events already delivered, kept on disk so Meta's replays after a restart do not ring again. */
  const seenHas = db.prepare('SELECT 1 FROM seen_events WHERE event_key = ?');
  const seenAdd = db.prepare('INSERT OR REPLACE INTO seen_events (event_key, seen_at) VALUES (?, ?)');
  const seenRemove = db.prepare('DELETE FROM seen_events WHERE event_key = ?');
  const seenPruneOld = db.prepare('DELETE FROM seen_events WHERE seen_at < ?');
  const seenPruneExcess = db.prepare(
    'DELETE FROM seen_events WHERE event_key IN (SELECT event_key FROM seen_events ORDER BY seen_at DESC LIMIT -1 OFFSET ?)',
  );
  const seenEvents: SeenEventStore = {
    has: (key) => seenHas.get(key) !== undefined,
    add: (key, atMs) => void seenAdd.run(key, atMs),
    remove: (key) => void seenRemove.run(key),
    prune(beforeMs, max) {
      seenPruneOld.run(beforeMs);
      seenPruneExcess.run(max);
    },
  };

  /** When call-permission requests went to each customer, so WhatsApp's limits are known before it refuses. */
  const requestTimes = db.prepare('SELECT sent_at FROM permission_requests WHERE customer = ? AND sent_at > ?');
  const requestAdd = db.prepare('INSERT INTO permission_requests (customer, sent_at) VALUES (?, ?)');
  const requestPrune = db.prepare('DELETE FROM permission_requests WHERE sent_at < ?');
  const permissionRequests: PermissionRequestLog = {
    sentAt: (customer, sinceMs) =>
      (requestTimes.all(customer, sinceMs) as Array<{ sent_at: number }>).map((r) => r.sent_at),
    add(customer, atMs) {
      requestAdd.run(customer, atMs);
      requestPrune.run(atMs - PERMISSION_REQUEST_MEMORY_MS);
    },
  };

  return {
    /** The team's retention policy and erasures, applied to this history (team relay). */
    retention: createHistoryRetention(db),
    record,
    recordWrapUp,
    recordRating,
    unratedCalls,
    customerSummary,
    toCallBack,
    toCallBackCount,
    markDone,
    recordFollowUp,
    markMissedHandled,
    pendingMissedCustomers,
    media,
    find,
    list,
    exportCsv,
    seenEvents,
    permissionRequests,
    close: () => db.close(),
  };
}

export type CallHistory = ReturnType<typeof openCallHistory>;
