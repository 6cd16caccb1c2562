import type { BoardFigures } from '../../shared/boardSchemas';
import { csvText } from '../../shared/csv';
import type { Report } from '../../shared/reportSchemas';
import { figuresOfLines, type FigureLine } from './boardFigures';

const HOUR_MS = 3600_000;

/** The start of the hour or day (on the relay's clock) that holds `ms`. */
function bucketStart(ms: number, bucket: 'hour' | 'day'): number {
  const d = new Date(ms);
  if (bucket === 'hour') d.setMinutes(0, 0, 0);
  else d.setHours(0, 0, 0, 0);
  return d.getTime();
}

function nextBucket(ms: number, bucket: 'hour' | 'day'): number {
  if (bucket === 'hour') return ms + HOUR_MS;
  const d = new Date(ms);
  d.setDate(d.getDate() + 1);
  return d.getTime();
}

/**
 * A report over [fromMs, toMs) from the figures' sums of its days: calls per hour or day (`hours`: offered and
 * answered per hour), and the figures per queue and per agent.
 */
export function buildReport(
  lines: FigureLine[],
  hours: Array<{ hourMs: number; offered: number; answered: number }>,
  range: { fromMs: number; toMs: number; bucket: 'hour' | 'day' },
  serviceLevelSec: number,
): Report {
  const buckets: Report['buckets'] = [];
  const index = new Map<number, Report['buckets'][number]>();
  for (let at = bucketStart(range.fromMs, range.bucket); at < range.toMs; at = nextBucket(at, range.bucket)) {
    const entry = { startMs: at, offered: 0, answered: 0 };
    buckets.push(entry);
    index.set(at, entry);
  }
  for (const hour of hours) {
    const entry = index.get(bucketStart(hour.hourMs, range.bucket));
    if (!entry) continue;
    entry.offered += hour.offered;
    entry.answered += hour.answered;
  }
  const figures = figuresOfLines(lines);
  const rate = (f: BoardFigures) => (f.offered ? Math.round((f.answered / f.offered) * 1000) / 10 : undefined);
  return {
    ...range,
    serviceLevelSec,
    buckets,
    team: { ...figures.team, answerRatePct: rate(figures.team) },
    // Every queue can turn calls away, so its counts are 0 rather than blank; an agent's line has none to count.
    byQueue: figures.byQueue.map((q) => ({
      ...q,
      closed: q.closed ?? 0,
      waitedTooLong: q.waitedTooLong ?? 0,
      answerRatePct: rate(q),
    })),
    byAgent: figures.byAgent.map((a) => ({ ...a, answerRatePct: rate(a) })),
  };
}

const CSV_COLUMNS = [
  'offered',
  'answered',
  'answerRatePct',
  'missed',
  'abandoned',
  'asaSec',
  'ahtSec',
  'serviceLevelPct',
  'declined',
  'csatAvg',
  'csatCount',
  // Turned away by the queue without an agent: closed (hours, a holiday), or waited past its maximum.
  'closed',
  'waitedTooLong',
] as const;

/** What the queues' bots did (empty where no bot took part): handled alone, escalated to agents, handed back. */
const BOT_COLUMNS = ['botAlone', 'botEscalated', 'botHandedBack'] as const;
const botFigures = (f: Report['team']) =>
  f.bot ? [f.bot.alone, f.bot.escalated, f.bot.handedBack] : BOT_COLUMNS.map(() => undefined);

/**
 * One CSV text of a report: a line per queue and per agent, then one per hour or day. Queues are named as the
 * operator named them; the last column keeps each line's id (the queue's, the agent's) for joining with other data.
 */
export function reportCsv(report: Report): string {
  const figures = (f: Report['team']) => [...CSV_COLUMNS.map((c) => f[c]), ...botFigures(f)];
  const queueName = (id: string) => report.queueNames?.[id] ?? id;
  return csvText([
    ['scope', 'name', ...CSV_COLUMNS, ...BOT_COLUMNS, 'id'],
    ['team', '', ...figures(report.team), ''],
    ...report.byQueue.map((q) => ['queue', queueName(q.queue), ...figures(q), q.queue]),
    ...report.byAgent.map((a) => ['agent', a.agent, ...figures(a), a.agent]),
    [],
    [report.bucket, 'offered', 'answered'],
    ...report.buckets.map((b) => [new Date(b.startMs).toISOString(), b.offered, b.answered]),
  ]);
}
