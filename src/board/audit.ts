import { z } from 'zod';
import { AuditRow } from '../shared/auditSchemas';
import { say, startBoardLanguage } from './i18n';
import { auditWhen } from './auditTime';
import { readRefusedSentence } from './relayRefusals';

const $ = (id: string) => document.getElementById(id)!;
const token = sessionStorage.getItem('board-token');
let rows: AuditRow[] = [];

function showProblem(text: string | undefined): void {
  $('problem').hidden = !text;
  $('problem').textContent = text ?? '';
}
const value = (id: string) => ($(id) as HTMLInputElement).value;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** The trail for the chosen days, or a sentence saying why not. */
async function ask(format: 'json' | 'csv'): Promise<Response | undefined> {
  if (!token) return void showProblem(say('reports.signInFirst'));
  const response = await fetch(`/board/api/audit?from=${value('from')}&to=${value('to')}&format=${format}`, {
    headers: { Authorization: `Bearer ${token}` },
  }).catch(() => undefined);
  if (!response) return void showProblem(say('row.relayNoAnswer'));
  if (response.status === 401) return void showProblem(say('reports.signInEnded'));
  if (response.status === 403) return void showProblem(say('audit.adminOnly'));
  if (!response.ok) {
    // The entries shown answered another range: they go with the refusal.
    rows = [];
    render();
    return void showProblem(readRefusedSentence(response.status, 'audit'));
  }
  showProblem(undefined);
  return response;
}

function render(): void {
  $('trail').hidden = rows.length === 0;
  $('entries').replaceChildren(
    ...rows.map((r) => {
      const tr = document.createElement('tr');
      tr.dataset.testid = 'audit-entry';
      tr.dataset.action = r.action;
      tr.dataset.role = r.role;
      for (const [column, text] of [
        ['when', auditWhen(Date.parse(r.at))],
        ['who', r.actor],
        // Stored as codes (the CSV keeps them); read in the admin's language, a code no catalogue has as it is.
        ['role', say(`auditRoles.${r.role}`, { defaultValue: r.role })],
        ['action', say(`auditActions.${r.action}`, { defaultValue: r.action })],
        ['target', r.target],
        ['detail', r.detail],
        ['source', r.source],
      ] as const) {
        const td = document.createElement('td');
        td.dataset.column = column;
        td.textContent = text ?? '–';
        tr.append(td);
      }
      return tr;
    }),
  );
}

$('range').addEventListener('submit', (event) => {
  event.preventDefault();
  void ask('json').then(async (response) => {
    if (!response) return;
    rows = z.array(AuditRow).parse(await response.json());
    render();
    if (rows.length === 0) showProblem(say('audit.none'));
  });
});
$('csv').addEventListener('click', () => {
  void ask('csv').then(async (response) => {
    if (!response) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = `audit-${value('from')}-${value('to')}.csv`;
    link.click();
  });
});
// The page opens on the last seven days, as Reports does, and shows them without waiting for Show.
const today = new Date();
($('from') as HTMLInputElement).value = isoDay(new Date(today.getTime() - 6 * 86_400_000));
($('to') as HTMLInputElement).value = isoDay(today);
startBoardLanguage('audit.title', render);
if (token) ($('range') as HTMLFormElement).requestSubmit();
