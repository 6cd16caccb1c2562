import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { ReportQuery } from '../../shared/reportSchemas';
import { linesOfCalls, type DayCall } from './boardFigures';
import { buildReport, reportCsv } from './reportFigures';
import { hourStart } from '../records/figureSums';

/** The report the records' sums of these calls make (as the relay keeps them: lines, and calls per hour). */
function reportOf(
  list: DayCall[],
  offersByAgent: Map<string, DayCall[]>,
  range: { fromMs: number; toMs: number; bucket: 'hour' | 'day' },
  serviceLevelSec: number,
) {
  const hours = new Map<number, { hourMs: number; offered: number; answered: number }>();
  for (const c of list) {
    const hourMs = hourStart(c.offeredAtMs);
    const hour = hours.get(hourMs) ?? { hourMs, offered: 0, answered: 0 };
    hour.offered += 1;
    if (c.answeredAtMs !== undefined) hour.answered += 1;
    hours.set(hourMs, hour);
  }
  const lines = linesOfCalls(list, offersByAgent, serviceLevelSec);
  return buildReport(lines, [...hours.values()], range, serviceLevelSec);
}

const day = (d: number, h = 10) => new Date(2026, 11, d, h, 0, 0).getTime();
const calls: DayCall[] = [
  {
    queue: 'support',
    offeredAtMs: day(1),
    answeredAtMs: day(1) + 5000,
    answeredBy: 'ana',
    endedAtMs: day(1) + 60_000,
    billedSeconds: 55,
    rang: true,
  },
  { queue: 'support', offeredAtMs: day(1, 14), endedAtMs: day(1, 14) + 9000, rang: true },
  {
    queue: '=cmd|calc',
    offeredAtMs: day(3),
    answeredAtMs: day(3) + 25_000,
    answeredBy: 'ben',
    endedAtMs: day(3) + 90_000,
    billedSeconds: 65,
    rang: true,
  },
];

describe('reports', () => {
  it('counts calls per day, with empty days kept, and figures with the answer rate', () => {
    const range = ReportQuery.parse({ from: '2026-12-01', to: '2026-12-03' });
    const report = reportOf(calls, new Map([['ana', [calls[0]!, calls[1]!]]]), { ...range, bucket: 'day' }, 20);
    expect(report.buckets.map((b) => [new Date(b.startMs).getDate(), b.offered, b.answered])).toEqual([
      [1, 2, 1],
      [2, 0, 0],
      [3, 1, 1],
    ]);
    expect(report.team).toMatchObject({ offered: 3, answered: 2, answerRatePct: 66.7, serviceLevelPct: 33.3 });
    expect(report.byAgent).toEqual([
      expect.objectContaining({ agent: 'ana', offered: 2, answered: 1, answerRatePct: 50 }),
    ]);
    // An agent's line says how many rings they declined; the CSV gives it its own column.
    const declined = reportOf(
      calls,
      new Map([['ana', [calls[0]!, { ...calls[1]!, ringOutcome: 'rejected' as const }]]]),
      { ...range, bucket: 'day' },
      20,
    );
    expect(declined.byAgent).toEqual([expect.objectContaining({ agent: 'ana', missed: 0, declined: 1 })]);
    expect(reportCsv(declined)).toContain('"agent","ana","2","1","50","0","0","5","55","50","1"');
  });

  it('counts per hour within the range only', () => {
    const range = ReportQuery.parse({ from: '2026-12-01', to: '2026-12-01', bucket: 'hour' });
    const report = reportOf(calls, new Map(), range, 20);
    expect(report.buckets).toHaveLength(24);
    expect(report.buckets.filter((b) => b.offered > 0).map((b) => new Date(b.startMs).getHours())).toEqual([10, 14]);
  });

  it('counts the calls a queue turned away in the report and its CSV, apart from missed and abandoned', () => {
    const range = ReportQuery.parse({ from: '2026-12-01', to: '2026-12-03' });
    const closed = { queue: 'support', offeredAtMs: day(2), rang: false, turnedAway: 'closed' as const };
    const report = reportOf([...calls, closed, closed], new Map(), range, 20);
    expect(report.team).toMatchObject({ offered: 5, closed: 2, waitedTooLong: 0 });
    const rows = parse(reportCsv(report), { relax_column_count: true }) as string[][];
    const header = rows[0]!;
    expect(rows[1]![header.indexOf('closed')]).toBe('2');
    expect(rows[1]![header.indexOf('waitedTooLong')]).toBe('0');
    // A queue that turned none away says 0 as the team does (its id kept from being read as a formula).
    const byScope = (scope: string, id: string) => rows.find((r) => r[0] === scope && r.at(-1) === id)!;
    const turnedAway = (r: string[]) => [r[header.indexOf('closed')], r[header.indexOf('waitedTooLong')]];
    expect(turnedAway(byScope('queue', 'support'))).toEqual(['2', '0']);
    expect(turnedAway(byScope('queue', "'=cmd|calc"))).toEqual(['0', '0']);
  });

  it('counts what the queues’ bots did in the report and its CSV, empty for a line no bot took part in', () => {
    const range = ReportQuery.parse({ from: '2026-12-01', to: '2026-12-03' });
    const alone = { queue: 'front', offeredAtMs: day(2), endedAtMs: day(2) + 30_000, rang: false };
    const botCalls: DayCall[] = [
      { ...alone, bot: { answered: true, escalated: false, handedBack: false } },
      { ...alone, bot: { answered: true, escalated: false, handedBack: false } },
      {
        ...alone,
        answeredAtMs: day(2) + 9000,
        answeredBy: 'ana',
        rang: true,
        bot: { answered: true, escalated: true, handedBack: true },
      },
    ];
    const report = reportOf([...calls, ...botCalls], new Map(), range, 20);
    expect(report.team.bot).toEqual({ alone: 2, escalated: 1, handedBack: 1 });
    const rows = parse(reportCsv(report), { relax_column_count: true }) as string[][];
    const header = rows[0]!;
    const column = (row: string[], name: string) => row[header.indexOf(name)];
    const front = rows.find((r) => r[0] === 'queue' && r[1] === 'front')!;
    expect(['botAlone', 'botEscalated', 'botHandedBack'].map((c) => column(front, c))).toEqual(['2', '1', '1']);
    const support = rows.find((r) => r[0] === 'queue' && r[1] === 'support')!;
    expect(['botAlone', 'botEscalated', 'botHandedBack'].map((c) => column(support, c))).toEqual(['', '', '']);
  });

  it('names queues in the CSV as the operator named them, their ids kept in the last column', () => {
    const range = ReportQuery.parse({ from: '2026-12-01', to: '2026-12-03' });
    const report = { ...reportOf(calls, new Map(), range, 20), queueNames: { support: 'Customer Support' } };
    const rows = parse(reportCsv(report), { relax_column_count: true }) as string[][];
    const header = rows[0]!;
    const queues = rows.filter((r) => r[0] === 'queue').map((r) => [r[1], r[header.indexOf('id')]]);
    expect(queues).toEqual([
      ['Customer Support', 'support'],
      ["'=cmd|calc", "'=cmd|calc"],
    ]);
    expect(rows.filter((r) => r[0] === 'agent').map((r) => [r[1], r[header.indexOf('id')]])).toEqual([]);
  });

  it('refuses a day that does not exist, saying so, rather than reading it as another day', () => {
    const wrong = ReportQuery.safeParse({ from: '2026-02-30', to: '2026-03-01' });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues.map((i) => i.message)).toEqual(['from: a date as YYYY-MM-DD that exists']);
    expect(ReportQuery.safeParse({ from: '2028-02-29', to: '2028-03-01' }).success).toBe(true);
  });

  it('CSV quotes what needs it and never lets a spreadsheet read a cell as a formula', () => {
    const range = ReportQuery.parse({ from: '2026-12-01', to: '2026-12-03' });
    const semicolon = { ...calls[1]!, queue: 'Bob;=1+2;' };
    const csv = reportCsv(reportOf([...calls, semicolon], new Map(), range, 20));
    expect(csv).toContain(`"queue","'=cmd|calc","1","1","100"`);
    expect(csv).toContain('"queue","Bob;=1+2;"');
    expect(csv.replace(/"(?:[^"]|"")*"/g, '')).toMatch(/^[,\r\n]*$/);
    expect((parse(csv, { relax_column_count: true }) as string[][])[0]).toEqual(
      'scope,name,offered,answered,answerRatePct,missed,abandoned,asaSec,ahtSec,serviceLevelPct,declined,csatAvg,csatCount,closed,waitedTooLong,botAlone,botEscalated,botHandedBack,id'.split(
        ',',
      ),
    );
  });

  it('refuses a range that is reversed, too long, or not dates', () => {
    expect(ReportQuery.safeParse({ from: '2026-12-05', to: '2026-12-01' }).success).toBe(false);
    expect(ReportQuery.safeParse({ from: '2020-01-01', to: '2026-12-01' }).success).toBe(false);
    expect(ReportQuery.safeParse({ from: 'yesterday', to: '2026-12-01' }).success).toBe(false);
    expect(ReportQuery.safeParse({ from: '2026-13-45', to: '2026-12-01' }).success).toBe(false);
  });
});
