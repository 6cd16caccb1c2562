import type { z } from 'zod';
import { QueuesLayout, type QueueLayout } from '../shared/queueSettings';
import { boardI18n, say } from './i18n';
import { readOnlyControls } from './readOnly';
import { refusedSentence } from './relayRefusals';
import { refusalLines, type FieldNamer } from './settingsIssues';
import { openUnions, ruleOfText, SettingsSaved } from '../shared/settingsRules';

/** A queue as the form holds it: members as rows (a row without an agent is refused), everyone as a box. */
interface QueueDraft {
  id: string;
  known: boolean;
  name: string;
  routing: string;
  ringSeconds: string;
  overflowSeconds: string;
  fallback: string;
  callWaiting: boolean;
  everyone: boolean;
  members: Array<{ agent: string; level: string }>;
}
interface InForce {
  version: number;
  defaultQueue?: string;
  layout: { queues: QueueLayout[] };
}

const $ = (id: string) => document.getElementById(id)!;
let token: string | null = null;
/** A supervisor's page: the queues in force, every control off. */
let readOnly = false;
/** The version the page shows (0: the queues file's); sent with a save so a newer one is never undone. */
let loadedVersion = 0;
let defaultQueue: string | undefined;
let drafts: QueueDraft[] = [];
let outcome: { saved: number; unchanged?: boolean } | { problems: Array<string | (() => string)> } | undefined;

function element<T extends HTMLElement>(tag: string, props: Partial<T> = {}): T {
  return Object.assign(document.createElement(tag) as T, props);
}
const input = (props: Partial<HTMLInputElement>) => element<HTMLInputElement>('input', props);
const button = (props: Partial<HTMLButtonElement>) =>
  element<HTMLButtonElement>('button', { type: 'button', ...props });
/** `ringSeconds` is worded by `queueEditor.fieldRingSeconds`. */
const fieldKey = (field: string) => `queueEditor.field${field[0]!.toUpperCase()}${field.slice(1)}`;
const ROUTING_KEYS: Record<string, string> = {
  longest_idle: 'queueEditor.routingLongestIdle',
  ring_all: 'queueEditor.routingRingAll',
};
/** A labelled control with a test id: `queue-<field>` within the queue's fieldset. */
function labelled(text: string, control: HTMLElement, testId: string): HTMLLabelElement {
  control.dataset.testid = testId;
  const label = element<HTMLLabelElement>('label');
  label.append(element<HTMLSpanElement>('span', { textContent: text }), control);
  return label;
}

const draftOf = (queue: QueueLayout): QueueDraft => ({
  id: queue.id,
  known: true,
  name: queue.name,
  routing: queue.routing,
  ringSeconds: String(queue.ringSeconds),
  overflowSeconds: String(queue.overflowSeconds),
  fallback: queue.fallback ?? '',
  callWaiting: queue.callWaiting,
  everyone: queue.agents === '*',
  // The most skilled first (they answer first), then by name: PostgreSQL keeps no order of a JSON object's keys.
  members:
    queue.agents === '*'
      ? []
      : Object.entries(queue.agents)
          .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
          .map(([agent, level]) => ({ agent, level: String(level) })),
});

/** Reads what the admin typed back into the drafts (before a redraw, and to save). */
function collect(): void {
  for (const [i, draft] of drafts.entries()) {
    const box = document.querySelector<HTMLFieldSetElement>(`fieldset[data-index="${i}"]`);
    if (!box) continue;
    const value = (field: string) => box.querySelector<HTMLInputElement>(`[data-testid="queue-${field}"]`)!.value;
    const checked = (field: string) => box.querySelector<HTMLInputElement>(`[data-testid="queue-${field}"]`)!.checked;
    Object.assign(draft, {
      id: draft.known ? draft.id : value('id').trim(),
      name: value('name').trim(),
      routing: value('routing'),
      ringSeconds: value('ring-seconds'),
      overflowSeconds: value('overflow-seconds'),
      fallback: value('fallback'),
      callWaiting: checked('call-waiting'),
      everyone: checked('everyone'),
      members: [...box.querySelectorAll<HTMLElement>('[data-testid="queue-member"]')].map((row) => ({
        agent: row.querySelector<HTMLInputElement>('[data-testid="member-agent"]')!.value.trim(),
        level: row.querySelector<HTMLInputElement>('[data-testid="member-level"]')!.value,
      })),
    });
  }
}

function memberRow(draft: QueueDraft, member: { agent: string; level: string }, index: number): HTMLElement {
  const row = element<HTMLDivElement>('div', { className: 'queue-member' });
  row.dataset.testid = 'queue-member';
  const agent = input({ value: member.agent, autocomplete: 'off', dir: 'ltr' });
  const level = input({ type: 'number', min: '1', max: '10', step: '1', value: member.level });
  const remove = button({ textContent: say('queueEditor.removeMember') });
  remove.dataset.testid = 'member-remove';
  remove.addEventListener('click', () => {
    collect();
    draft.members.splice(index, 1);
    draw();
  });
  row.append(labelled(say('queueEditor.memberAgent'), agent, 'member-agent'));
  row.append(labelled(say('queueEditor.memberLevel'), level, 'member-level'), remove);
  return row;
}

function queueBox(draft: QueueDraft, index: number): HTMLFieldSetElement {
  const box = element<HTMLFieldSetElement>('fieldset', { className: 'thresholds queue' });
  box.dataset.index = String(index);
  box.dataset.testid = `queue-${draft.id || `new-${index}`}`;
  box.append(
    element<HTMLLegendElement>('legend', { textContent: draft.name || draft.id || say('queueEditor.newQueue') }),
  );
  const id = input({ value: draft.id, readOnly: draft.known, autocomplete: 'off', dir: 'ltr' });
  box.append(labelled(say('queueEditor.fieldId'), id, 'queue-id'));
  box.append(labelled(say('queueEditor.fieldName'), input({ value: draft.name, dir: 'auto' }), 'queue-name'));
  const routing = element<HTMLSelectElement>('select');
  for (const way of ['longest_idle', 'ring_all'])
    routing.append(new Option(say(ROUTING_KEYS[way]!), way, false, draft.routing === way));
  box.append(labelled(say('queueEditor.fieldRouting'), routing, 'queue-routing'));
  const seconds = (value: string, min: number, max: number) =>
    input({ type: 'number', min: String(min), max: String(max), step: '1', value });
  box.append(labelled(say('queueEditor.fieldRingSeconds'), seconds(draft.ringSeconds, 5, 120), 'queue-ring-seconds'));
  box.append(
    labelled(
      say('queueEditor.fieldOverflowSeconds'),
      seconds(draft.overflowSeconds, 10, 600),
      'queue-overflow-seconds',
    ),
  );
  const fallback = element<HTMLSelectElement>('select');
  fallback.append(new Option(say('queueEditor.noFallback'), '', false, draft.fallback === ''));
  for (const other of drafts.filter((q) => q !== draft && q.id))
    fallback.append(new Option(other.name || other.id, other.id, false, draft.fallback === other.id));
  box.append(labelled(say('queueEditor.fieldFallback'), fallback, 'queue-fallback'));
  const check = (on: boolean) => input({ type: 'checkbox', checked: on });
  box.append(labelled(say('queueEditor.fieldCallWaiting'), check(draft.callWaiting), 'queue-call-waiting'));
  const everyone = check(draft.everyone);
  everyone.addEventListener('change', () => {
    collect();
    draw();
  });
  box.append(labelled(say('queueEditor.everyone'), everyone, 'queue-everyone'));
  const members = element<HTMLDivElement>('div', { className: 'queue-members', hidden: draft.everyone });
  members.append(...draft.members.map((m, i) => memberRow(draft, m, i)));
  const add = button({ textContent: say('queueEditor.addMember'), hidden: draft.everyone });
  add.dataset.testid = 'member-add';
  add.addEventListener('click', () => {
    collect();
    draft.members.push({ agent: '', level: '1' });
    draw();
    const rows = document.querySelectorAll<HTMLElement>(`fieldset[data-index="${index}"] [data-testid="member-agent"]`);
    rows[rows.length - 1]?.focus();
  });
  const remove = button({ textContent: say('queueEditor.removeQueue') });
  remove.dataset.testid = 'queue-remove';
  // Calls no number or payload sends elsewhere go to the default queue: it stays.
  remove.disabled = draft.known && draft.id === defaultQueue;
  if (remove.disabled) remove.title = say('queueEditor.defaultStays');
  remove.addEventListener('click', () => {
    collect();
    drafts.splice(index, 1);
    draw();
  });
  box.append(members, add, remove);
  return box;
}

function draw(): void {
  $('queue-list').replaceChildren(...drafts.map(queueBox));
  if (readOnly) readOnlyControls($('queues'));
  showOutcome();
}

function showOutcome(): void {
  const problems = outcome && 'problems' in outcome ? outcome.problems : [];
  $('queues-problem').hidden = problems.length === 0;
  $('queues-problem-list').replaceChildren(
    ...problems.map((line) => element<HTMLLIElement>('li', { textContent: typeof line === 'string' ? line : line() })),
  );
  const saved = outcome && 'saved' in outcome ? outcome.saved : undefined;
  const key = outcome && 'saved' in outcome && outcome.unchanged ? 'queueEditor.unchanged' : 'queueEditor.saved';
  $('queues-saved').hidden = saved === undefined;
  $('queues-saved').textContent = saved === undefined ? '' : say(key, { version: saved });
}

/** The form as the schema reads it: an empty number box takes the schema's default (15 s ring, 60 s overflow). */
function layoutOfDrafts() {
  const number = (text: string) => (text.trim() === '' ? undefined : Number(text));
  return {
    queues: drafts.map((d) => ({
      id: d.id,
      name: d.name,
      routing: d.routing,
      ringSeconds: number(d.ringSeconds),
      overflowSeconds: number(d.overflowSeconds),
      ...(d.fallback && { fallback: d.fallback }),
      callWaiting: d.callWaiting,
      agents: d.everyone
        ? '*'
        : Object.fromEntries(d.members.filter((m) => m.agent).map((m) => [m.agent, number(m.level)])),
    })),
  };
}

/** One problem in the admin's language (worded again when the language changes): which queue, field, and rule. */
function worded(issue: z.core.$ZodIssue): () => string {
  const [, index, field, agent] = issue.path as [string, number | undefined, string | undefined, string | undefined];
  const draft = index === undefined ? undefined : drafts[index];
  const rule = (): string => {
    if (issue.code === 'too_small' && field === undefined) return say('queueEditor.ruleOneQueue');
    if (issue.code === 'too_small' && issue.origin === 'string') return say('queueEditor.ruleRequired');
    if (issue.code === 'too_big' && issue.origin === 'string')
      return say('queueEditor.ruleMaxChars', { max: String(issue.maximum) });
    if (issue.code === 'too_small') return say('queueEditor.ruleMin', { min: String(issue.minimum) });
    if (issue.code === 'too_big') return say('queueEditor.ruleMax', { max: String(issue.maximum) });
    // A rule of the team's (a member's level is a whole number from 1 to 10) in the admin's words, as the relay's is.
    const named = ruleOfText(issue.message);
    if (issue.code === 'invalid_format' && named !== 'agentId') return say('queueEditor.ruleId');
    return named ? say(`settingsRule.${named}`) : say('queueEditor.ruleInvalid');
  };
  return () => {
    if (field === undefined) return rule();
    const queue = draft?.name || draft?.id || say('queueEditor.newQueue');
    const what =
      field === 'agents' && agent !== undefined ? memberField(agent, ruleOfText(issue.message)) : say(fieldKey(field));
    return say('queueEditor.problem', { queue, field: what, rule: rule() });
  };
}

/** A member's field: their id when it is the id that was refused, else their level. */
const memberField = (agent: string, rule: string | undefined) =>
  say(rule === 'agentId' ? 'queueEditor.fieldMember' : 'queueEditor.fieldLevel', { agent });

/** A field the relay names (`queues.1.fallback`, `queues.0.agents.ben`) as the form shows it, in that queue. */
const queueField: FieldNamer = ([top, index, field, agent], rule) => {
  if (top === 'defaultQueue' && index === undefined) return () => say('settingsField.defaultQueue');
  if (top === 'queues' && index === undefined) return () => say('queueEditor.heading');
  if (top !== 'queues' || typeof index !== 'number' || typeof field !== 'string') return undefined;
  const known = field === 'agents' && typeof agent === 'string' ? true : boardI18n.exists(fieldKey(field));
  if (!known) return undefined;
  const draft = drafts[index];
  const queue = () => draft?.name || draft?.id || say('queueEditor.newQueue');
  const what = () =>
    field === 'agents' && agent !== undefined ? memberField(String(agent), rule) : say(fieldKey(field));
  return () => say('queueEditor.fieldOf', { queue: queue(), field: what() });
};

/** What the page itself refuses before sending: the same schema as the relay, and a member named twice. */
function pageProblems(): Array<() => string> | { layout: QueuesLayout } {
  const twice = drafts.flatMap((d) => {
    const ids = d.everyone ? [] : d.members.map((m) => m.agent).filter(Boolean);
    const repeated = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
    return repeated.map((agent) => () => say('queueEditor.memberTwice', { queue: d.name || d.id, agent }));
  });
  // A member whose name was cleared (or never typed) is named, not silently left out of the save.
  const unnamed = drafts.flatMap((d) =>
    d.everyone
      ? []
      : d.members.flatMap((m, i) =>
          m.agent ? [] : [() => say('queueEditor.memberUnnamed', { queue: d.name || d.id, row: i + 1 })],
        ),
  );
  const ids = drafts.map((d) => d.id).filter(Boolean);
  const idTwice = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))].map(
    (id) => () => say('queueEditor.idTwice', { id }),
  );
  const parsed = QueuesLayout.safeParse(layoutOfDrafts());
  const issues = parsed.success ? [] : openUnions(parsed.error.issues).map(worded);
  const problems = [...issues, ...unnamed, ...twice, ...idTwice];
  return problems.length > 0 || !parsed.success ? problems : { layout: parsed.data };
}

async function call(init: RequestInit = {}): Promise<Response | undefined> {
  const refuse = (line: () => string) => void ((outcome = { problems: [line] }), showOutcome());
  if (!token) return refuse(() => say('reports.signInFirst'));
  const response = await fetch('/board/api/queues', {
    ...init,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
  }).catch(() => undefined);
  if (!response) return refuse(() => say('row.relayNoAnswer'));
  if (response.status === 401 || response.status === 403) return refuse(() => say('queueEditor.adminOnly'));
  return response;
}

async function load(): Promise<void> {
  const response = await call();
  if (!response) return;
  // Without queues (no RELAY_QUEUES_FILE) or without PostgreSQL the section says so and shows no form.
  if (response.status === 404) {
    $('queues').hidden = true;
    $('queues-unavailable').hidden = false;
    return;
  }
  if (!response.ok) return void ((outcome = { problems: [refusedSentence(response.status)] }), showOutcome());
  const current = (await response.json()) as InForce;
  loadedVersion = current.version;
  defaultQueue = current.defaultQueue;
  drafts = current.layout.queues.map(draftOf);
  draw();
}

async function save(): Promise<void> {
  collect();
  const checked = pageProblems();
  if (Array.isArray(checked)) return void ((outcome = { problems: checked }), showOutcome());
  const response = await call({ method: 'PUT', body: JSON.stringify({ ...checked.layout, basedOn: loadedVersion }) });
  if (!response) return;
  if (response.status === 400)
    outcome = { problems: refusalLines(await response.json().catch(() => undefined), queueField) };
  else if (response.status === 409) {
    const newer = (await response.json()) as { version?: number; changedBy?: string };
    outcome = { problems: [() => say('queueEditor.changedSince', { version: newer.version, by: newer.changedBy })] };
  } else if (!response.ok) outcome = { problems: [refusedSentence(response.status)] };
  else {
    const saved = SettingsSaved.safeParse(await response.json().catch(() => undefined));
    if (!saved.success) outcome = { problems: [refusedSentence(response.status)] };
    else {
      loadedVersion = saved.data.version;
      for (const draft of drafts) draft.known = true;
      outcome = { saved: saved.data.version, unchanged: saved.data.unchanged };
      draw();
    }
  }
  showOutcome();
}

/** The settings page's queues section: each queue a form of its own fields, saved together as one version. */
export function startQueueSettings(boardToken: string | null, supervisor = false): { redraw(): void } {
  token = boardToken;
  readOnly = supervisor;
  if (readOnly) readOnlyControls($('queues'));
  $('queue-add').addEventListener('click', () => {
    collect();
    drafts.push({
      id: '',
      known: false,
      name: '',
      routing: 'longest_idle',
      ringSeconds: '15',
      overflowSeconds: '60',
      fallback: '',
      callWaiting: false,
      everyone: false,
      members: [{ agent: '', level: '1' }],
    });
    draw();
  });
  // One save at a time: a second click (a double-click) waits for the first's answer instead of racing it into a 409.
  let saving = false;
  const saveButton = $('queues-save') as HTMLButtonElement;
  $('queues').addEventListener('submit', (event) => {
    event.preventDefault();
    if (saving) return;
    saving = true;
    saveButton.disabled = true;
    void save().finally(() => {
      saving = false;
      saveButton.disabled = false;
    });
  });
  void load();
  return {
    redraw(): void {
      collect();
      draw();
    },
  };
}
