import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { Report } from '../shared/reportSchemas';
import { assistantWords, csatWords } from './figureWords';
import { boardPercent, boardWhen, say, startBoardLanguage } from './i18n';
import { readRefusedSentence } from './relayRefusals';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

const $ = (id: string) => document.getElementById(id)!;
const token = sessionStorage.getItem('board-token');
const charts: Chart[] = [];

function showProblem(text: string | undefined): void {
  $('problem').hidden = !text;
  $('problem').textContent = text ?? '';
}
const isoDay = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const value = (id: string) => ($(id) as HTMLInputElement).value;
const query = (format: 'json' | 'csv') =>
  `/board/api/report?from=${value('from')}&to=${value('to')}&bucket=${value('bucket')}&format=${format}`;

async function ask(format: 'json' | 'csv'): Promise<Response | undefined> {
  if (!token) {
    showProblem(say('reports.signInFirst'));
    return undefined;
  }
  const response = await fetch(query(format), { headers: { Authorization: `Bearer ${token}` } });
  if (response.status === 401) {
    clearReport();
    return void showProblem(say('reports.signInEnded'));
  }
  if (!response.ok) {
    // What is shown answered another range: it does not stay under the sentence saying this one was refused.
    clearReport();
    showProblem(readRefusedSentence(response.status, 'report'));
    return undefined;
  }
  showProblem(undefined);
  return response;
}

function cells(values: Array<string | number | undefined>, attrs: Record<string, string>): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const [k, v] of Object.entries(attrs)) tr.setAttribute(k, v);
  for (const v of values) {
    const td = document.createElement('td');
    td.textContent = v === undefined ? '–' : String(v);
    tr.append(td);
  }
  return tr;
}

function draw(canvas: string, config: ChartConfiguration<'bar'>): void {
  charts.push(
    new Chart($(canvas) as HTMLCanvasElement, { ...config, options: { animation: false, ...config.options } }),
  );
}

let shown: Report | undefined;

/** The sign-in ended or the range was refused: nothing shown before stays on the page. */
function clearReport(): void {
  shown = undefined;
  for (const c of charts.splice(0)) c.destroy();
  for (const id of ['buckets', 'figures']) $(id).replaceChildren();
  $('report').hidden = true;
}

function render(report: Report): void {
  // Queues by the names the operator gave them; an id where the relay knows none.
  const queueName = (id: string) => report.queueNames?.[id] ?? id;
  shown = report;
  for (const c of charts.splice(0)) c.destroy();
  $('report').hidden = false;
  // The title and the rows' first column name the bucket (a day or an hour), so again when the language changes.
  const byDay = report.bucket === 'day';
  for (const [id, key] of [
    ['calls-title', byDay ? 'reports.callsPerDay' : 'reports.callsPerHour'],
    ['bucket-column', byDay ? 'col.day' : 'col.hour'],
  ] as const) {
    $(id).dataset.i18n = key;
    $(id).textContent = say(key);
  }
  const label = (ms: number) =>
    report.bucket === 'day'
      ? boardWhen(ms, { dateStyle: 'medium' })
      : boardWhen(ms, { hour: '2-digit', day: 'numeric', month: 'short' });
  draw('calls-chart', {
    type: 'bar',
    data: {
      labels: report.buckets.map((b) => label(b.startMs)),
      datasets: [
        { label: say('col.offered'), data: report.buckets.map((b) => b.offered), backgroundColor: '#8aa4c8' },
        { label: say('col.answered'), data: report.buckets.map((b) => b.answered), backgroundColor: '#2f7d4f' },
      ],
    },
  });
  draw('queues-chart', {
    type: 'bar',
    data: {
      labels: report.byQueue.map((q) => queueName(q.queue)),
      datasets: [
        {
          label: say('reports.answerRatePct'),
          data: report.byQueue.map((q) => q.answerRatePct ?? 0),
          backgroundColor: '#2f7d4f',
        },
        {
          label: say('reports.serviceLevelPct'),
          data: report.byQueue.map((q) => q.serviceLevelPct ?? 0),
          backgroundColor: '#c98a1b',
        },
      ],
    },
    options: { scales: { y: { min: 0, max: 100 } } },
  });
  $('buckets').replaceChildren(
    ...report.buckets
      .filter((b) => b.offered > 0)
      .map((b) => cells([label(b.startMs), b.offered, b.answered], { 'data-testid': 'report-bucket-row' })),
  );
  // Calls the queue turned away without an agent, and why (as the live board says it).
  const turnedAway = (f: Report['team']) => {
    const [closed, waited] = [f.closed ?? 0, f.waitedTooLong ?? 0];
    return closed + waited ? `${closed + waited} (${say('hours.turnedAway', { closed, waited })})` : 0;
  };
  const pct = (v: number | undefined) => (v === undefined ? undefined : boardPercent(v));
  const sec = (v: number | undefined) => (v === undefined ? undefined : say('unit.seconds', { value: Math.round(v) }));
  const line = (name: string, f: Report['team'], attrs: Record<string, string>) =>
    cells(
      [
        name,
        f.offered,
        f.answered,
        pct(f.answerRatePct),
        f.missed,
        f.abandoned,
        sec(f.asaSec),
        sec(f.ahtSec),
        pct(f.serviceLevelPct),
        turnedAway(f),
        csatWords(f),
        assistantWords(f),
      ],
      attrs,
    );
  $('figures').replaceChildren(
    line(say('row.team'), report.team, { 'data-testid': 'report-team' }),
    ...report.byQueue.map((q) =>
      line(say('row.queue', { name: queueName(q.queue) }), q, {
        'data-testid': 'report-queue',
        'data-queue': q.queue,
      }),
    ),
    ...report.byAgent.map((a) =>
      line(say('row.agent', { name: a.agent }), a, { 'data-testid': 'report-agent', 'data-agent': a.agent }),
    ),
  );
}

$('range').addEventListener('submit', (event) => {
  event.preventDefault();
  void ask('json').then(async (response) => {
    if (!response) return;
    const parsed = Report.safeParse(await response.json());
    if (parsed.success) render(parsed.data);
    else showProblem(say('reports.unreadable'));
  });
});
$('csv').addEventListener('click', () => {
  void ask('csv').then(async (response) => {
    if (!response) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = `calls-${value('from')}-${value('to')}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  });
});

startBoardLanguage('reports.title', () => shown && render(shown));
const today = new Date();
const weekAgo = new Date(today.getTime() - 6 * 86_400_000);
($('from') as HTMLInputElement).value = isoDay(weekAgo);
($('to') as HTMLInputElement).value = isoDay(today);
// The page opens on the report for its default days, up to today, without waiting for Show.
if (token) ($('range') as HTMLFormElement).requestSubmit();
