import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { CallView } from '../shared/ipcContract';
import { historyUpdateOf, openCallHistory } from './callHistory';
import { openSqlite } from './sqlite';

const dbPath = () => join(mkdtempSync(join(tmpdir(), 'history-')), 'history.sqlite');

const call = (callId: string, patch: Partial<CallView> = {}) =>
  historyUpdateOf({
    callId,
    direction: 'inbound',
    from: '447700900123',
    callerName: 'Dana Smith',
    phase: 'ended',
    offeredAtMs: 1_700_000_000_000,
    ...patch,
  });

describe('call history', () => {
  it('stores each call once, updating it as it changes', () => {
    const history = openCallHistory(dbPath());
    history.record(call('a', { phase: 'ringing' }));
    history.record(call('a', { phase: 'active', answeredAtMs: 1_700_000_001_000 }));
    history.record(
      call('a', {
        answeredAtMs: 1_700_000_001_000,
        endedAtMs: 1_700_000_061_000,
        endReason: 'answered',
        quality: { mos: 4.2, rttMs: 30 },
      }),
    );
    const [entry, ...rest] = history.list({ search: '', missedOnly: false, limit: 10 });
    expect(rest).toHaveLength(0);
    expect(entry).toMatchObject({
      callId: 'a',
      endReason: 'answered',
      durationSec: 60,
      mos: 4.2,
      rttMs: 30,
      name: 'Dana Smith',
    });
  });

  it('keeps why a call ended as the page’s messages, and a call cut by a stop reads as such', () => {
    const path = dbPath();
    const history = openCallHistory(path);
    const said = [{ key: 'answerFailed' as const }, { key: 'whatsappCode' as const, values: { code: 138004 } }];
    history.record(call('ended', { endReason: 'failed', message: 'The call could not be answered. …', said }));
    history.record(call('cut', { phase: 'active', answeredAtMs: 1_700_000_001_000 }));
    history.close();
    const reopened = openCallHistory(path);
    const entries = reopened.list({ search: '', missedOnly: false, limit: 10 });
    expect(entries.find((e) => e.callId === 'ended')?.said).toEqual(said);
    expect(entries.find((e) => e.callId === 'cut')).toMatchObject({
      endReason: 'failed',
      said: [{ key: 'appStopped' }],
    });
    reopened.close();
  });

  it('searches by name or number, lists missed calls, newest first', () => {
    const history = openCallHistory(dbPath());
    history.record(call('1', { endReason: 'missed', offeredAtMs: 1 }));
    history.record(call('2', { from: '15550001111', callerName: 'Lee', endReason: 'answered', offeredAtMs: 2 }));
    history.record(call('3', { from: '15550002222', callerName: '100%_real', endReason: 'missed', offeredAtMs: 3 }));
    const ids = (q: Partial<Parameters<typeof history.list>[0]>) =>
      history.list({ search: '', missedOnly: false, limit: 10, ...q }).map((e) => e.callId);
    expect(ids({})).toEqual(['3', '2', '1']);
    expect(ids({ search: 'lee' })).toEqual(['2']);
    expect(ids({ search: '5550002' })).toEqual(['3']);
    expect(ids({ missedOnly: true })).toEqual(['3', '1']);
    // LIKE wildcards in the search are taken literally.
    expect(ids({ search: '0%_' })).toEqual(['3']);
  });

  it('finds a number however the agent or the record writes it: "+", spaces and dashes aside', () => {
    const history = openCallHistory(dbPath());
    history.record(call('1', { from: '447700900010', callerName: 'Ana', offeredAtMs: 1 }));
    history.record(call('2', { from: '+1 555-000-2222', callerName: 'Bo', offeredAtMs: 2 }));
    const ids = (search: string) => history.list({ search, missedOnly: false, limit: 10 }).map((e) => e.callId);
    expect(ids('+4477')).toEqual(['1']);
    expect(ids('+44 7700-900')).toEqual(['1']);
    expect(ids('5550002222')).toEqual(['2']);
    expect(ids('+1 555 000')).toEqual(['2']);
    expect(ids('Bo')).toEqual(['2']);
  });

  it('keeps Meta’s billed duration and the username, and finds a call by username', () => {
    const history = openCallHistory(dbPath());
    history.record(
      call('u', { from: 'US.1234567', callerName: undefined, callerUsername: 'maria.lopez', billedDurationSec: 42 }),
    );
    expect(history.list({ search: 'maria', missedOnly: false, limit: 10 })).toEqual([
      expect.objectContaining({ callId: 'u', number: 'US.1234567', username: 'maria.lopez', billedDurationSec: 42 }),
    ]);
    expect(history.exportCsv({ search: '', missedOnly: false, limit: 10 }).split('\r\n')[1]).toMatch(
      /"maria\.lopez","42","","","","","","","","",""$/,
    );
  });

  it('opens a history written before the username and billed-duration columns, and keeps its calls', () => {
    const path = dbPath();
    const old = openSqlite(path);
    old.exec(`CREATE TABLE calls (call_id TEXT PRIMARY KEY, direction TEXT NOT NULL, number TEXT NOT NULL, name TEXT,
      offered_at INTEGER NOT NULL, answered_at INTEGER, ended_at INTEGER, end_reason TEXT, message TEXT,
      rtt_ms REAL, jitter_ms REAL, loss_pct REAL, mos REAL)`);
    old
      .prepare(
        `INSERT INTO calls (call_id, direction, number, offered_at, end_reason) VALUES ('old', 'inbound', '1', 1, 'missed')`,
      )
      .run();
    old.close();
    const history = openCallHistory(path);
    history.record(call('new', { callerUsername: 'handle', billedDurationSec: 3 }));
    expect(
      history
        .list({ search: '', missedOnly: false, limit: 10 })
        .map((e) => e.callId)
        .sort(),
    ).toEqual(['new', 'old']);
  });

  it('keeps the agent’s wrap-up with the call, finds it by outcome or notes, and exports it', () => {
    const history = openCallHistory(dbPath());
    history.record(call('w', { callerName: 'Wrap' }));
    expect(history.recordWrapUp('w', 'Complaint', '=SUM(A1) refund asked')).toBe(true);
    expect(history.recordWrapUp('nobody', 'Sales', '')).toBe(false);
    expect(history.list({ search: 'refund', missedOnly: false, limit: 10 })).toEqual([
      expect.objectContaining({ callId: 'w', outcome: 'Complaint', notes: '=SUM(A1) refund asked' }),
    ]);
    expect(history.list({ search: 'Complaint', missedOnly: false, limit: 10 })).toHaveLength(1);
    // A later update of the call (its end, its quality) keeps the wrap-up.
    history.record(call('w', { callerName: 'Wrap', endReason: 'answered' }));
    expect(history.list({ search: 'w', missedOnly: false, limit: 10 })[0]).toMatchObject({ outcome: 'Complaint' });
    expect(history.exportCsv({ search: 'refund', missedOnly: false, limit: 10 })).toContain(
      `"Complaint","'=SUM(A1) refund asked"`,
    );
  });

  it('lists missed calls to call back until marked done or called back', () => {
    const history = openCallHistory(dbPath());
    history.record(call('m1', { from: '111111', endReason: 'missed', offeredAtMs: 1000 }));
    history.record(call('m2', { from: '222222', endReason: 'missed', offeredAtMs: 2000 }));
    history.record(call('ok', { from: '333333', endReason: 'answered', offeredAtMs: 3000 }));
    expect(history.toCallBack().map((e) => e.callId)).toEqual(['m2', 'm1']);
    expect(history.toCallBackCount()).toBe(2);
    expect(history.markDone('m1', 5000)).toBe(true);
    expect(history.toCallBack().map((e) => e.callId)).toEqual(['m2']);
    // An earlier outbound call does not count; one placed after the missed call does.
    history.record(call('before', { from: '222222', direction: 'outbound', offeredAtMs: 1500 }));
    expect(history.toCallBack().map((e) => e.callId)).toEqual(['m2']);
    history.record(call('after', { from: '222222', direction: 'outbound', offeredAtMs: 4000 }));
    expect(history.toCallBack()).toEqual([]);
    expect(history.toCallBackCount()).toBe(0);
    expect(history.markDone('nobody', 1)).toBe(false);
  });

  it('keeps the team agent who took a call through later updates, and the customer’s rating of it', () => {
    const history = openCallHistory(dbPath());
    history.record(call('t', { phase: 'ringing' }));
    history.record(call('t', { endReason: 'answered_elsewhere', agent: 'asha' }));
    history.record(call('t', { endReason: 'answered_elsewhere' }));
    expect(history.recordRating('t', 4)).toBe(true);
    expect(history.recordRating('unknown', 5)).toBe(false);
    expect(history.find('t')).toMatchObject({ agent: 'asha', csat: 4 });
    const [, row] = parse(history.exportCsv({ search: '', missedOnly: false, limit: 10 })) as string[][];
    expect(row!.slice(-2)).toEqual(['asha', '4']);
  });

  it('exports CSV with quoting and formula cells defused', () => {
    const history = openCallHistory(dbPath());
    history.record(
      call('x', { callerName: '=HYPERLINK("evil"), "quoted"', endReason: 'failed', message: 'line1\nline2' }),
    );
    const csv = history.exportCsv({ search: '', missedOnly: false, limit: 10 });
    const [header, row] = csv.split('\r\n');
    expect(parse(header!)).toEqual([
      'call_id,direction,number,name,started,answered,ended,duration_s,end_reason,message,rtt_ms,jitter_ms,loss_pct,mos,username,billed_duration_s,outcome,notes,recorded,transcript,callback_data,cta_payload,deeplink_payload,agent,csat'.split(
        ',',
      ),
    ]);
    expect(row).toContain(`"'=HYPERLINK(""evil""), ""quoted"""`);
    expect(row).toContain('2023-11-14T22:13:20.000Z');
    expect(csv).toContain('"line1\nline2"');
  });

  it('keeps `Bob;=1+2;` one quoted text cell where spreadsheets split on semicolons', () => {
    const history = openCallHistory(dbPath());
    history.record(call('semi', { callerName: 'Bob;=1+2;', from: '+14155550123' }));
    const csv = history.exportCsv({ search: '', missedOnly: false, limit: 10 });
    expect(csv).toContain('"Bob;=1+2;"');
    // A spreadsheet splitting on `;` finds none outside quotes: every line stays one cell starting with `"`.
    expect(csv.replace(/"(?:[^"]|"")*"/g, '')).toMatch(/^[,\r\n]*$/);
    const [, row] = parse(csv) as string[][];
    expect(row).toContain('Bob;=1+2;');
    expect(row).toContain("'+14155550123");
  });

  it('loses nothing when the process is killed right after a write', () => {
    const path = dbPath();
    const script = `
      require('tsx/cjs');
      const { openCallHistory } = require(${JSON.stringify(join(__dirname, 'callHistory.ts'))});
      const h = openCallHistory(${JSON.stringify(path)});
      h.record({ callId: 'killed', direction: 'inbound', number: '1', offeredAtMs: 5, answeredAtMs: 6 });
      process.kill(process.pid, 'SIGKILL');`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');
    const entries = openCallHistory(path).list({ search: '', missedOnly: false, limit: 10 });
    expect(entries).toEqual([expect.objectContaining({ callId: 'killed', answeredAtMs: 6 })]);
  });
});
