import { DEFAULT_THRESHOLDS, type BoardThresholds } from '../shared/boardTiles';
import { say, startBoardLanguage } from './i18n';
import { claimsOf } from './boardToken';
import { readOnlyControls } from './readOnly';
import { showCustomerResult, startCustomerData } from './customerData';
import { startQueueSettings } from './queueSettings';
import { refusedSentence } from './relayRefusals';
import { boxEntries, refusalLines, settingsField } from './settingsIssues';
import { RETENTION_KINDS, type RetentionPolicy } from '../shared/retention';
import { SettingsSaved } from '../shared/settingsRules';

const $ = (id: string) => document.getElementById(id)!;
const token = sessionStorage.getItem('board-token');
/** Signed in as a supervisor: the page shows what is in force, with nothing to change it by. */
const readOnly = token !== null && claimsOf(token).role !== 'admin';
let savedVersion: number | undefined;
/** The last save changed nothing: no new version was made. */
let savedUnchanged = false;
/** The version the page shows (0: none saved yet); sent with a save, so one made by someone else since is refused. */
let loadedVersion = 0;
/** The hours box as loaded (or last saved): only a change of it is sent. */
let loadedHoursText = '';

/** The problems on screen, worded again when the language changes (a relay's problem the page cannot word: as sent). */
let problems: Array<string | (() => string)> = [];
function showProblems(lines: Array<string | (() => string)>): void {
  problems = lines;
  $('problem').hidden = lines.length === 0;
  $('problem').replaceChildren(
    ...lines.map((line) => {
      const item = document.createElement('li');
      item.textContent = typeof line === 'string' ? line : line();
      return item;
    }),
  );
}
/** One outcome on screen at a time: a new save's problems never sit beside an earlier "Saved", nor the reverse. */
function showOutcome(
  outcome: { saved: number; unchanged?: boolean } | { problems: Array<string | (() => string)> },
): void {
  savedVersion = 'saved' in outcome ? outcome.saved : undefined;
  savedUnchanged = 'saved' in outcome && outcome.unchanged === true;
  showSaved();
  showProblems('problems' in outcome ? outcome.problems : []);
}
function showSaved(): void {
  $('saved').hidden = savedVersion === undefined;
  $('saved').textContent =
    savedVersion === undefined
      ? ''
      : say(savedUnchanged ? 'settings.unchanged' : 'settings.saved', { version: savedVersion });
}
const box = (id: string) => boxEntries(($(id) as HTMLTextAreaElement).value);

async function call(init: RequestInit = {}): Promise<Response | undefined> {
  if (!token) return void showOutcome({ problems: [() => say('reports.signInFirst')] });
  const response = await fetch('/board/api/settings', {
    ...init,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
  }).catch(() => undefined);
  if (!response) return void showOutcome({ problems: [() => say('row.relayNoAnswer')] });
  // 401: the token ended (expired, revoked); 403: a supervisor, not an admin.
  if (response.status === 401) return void showOutcome({ problems: [() => say('reports.signInEnded')] });
  if (response.status === 403) return void showOutcome({ problems: [() => say('settings.adminOnly')] });
  return response;
}

/** The day count box of a kind of data: `callRecords` is `#keep-call-records`. */
const retentionInput = (kind: string) =>
  $(`keep-${kind.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`) as HTMLInputElement;
/** The kinds given a number of days; an empty box keeps that kind until erased. A box the relay refuses is named. */
function retentionOf(): Record<string, number> {
  const days: Record<string, number> = {};
  for (const kind of RETENTION_KINDS) {
    const input = retentionInput(kind);
    if (input.value.trim() !== '') days[kind] = input.valueAsNumber;
  }
  return days;
}

async function load(): Promise<void> {
  const response = await call();
  if (!response?.ok) return;
  // A supervisor reads what is in force; the page says plainly that only an admin's save lands.
  $('read-only').hidden = !readOnly;
  const current = (await response.json()) as {
    version: number;
    settings: {
      notReadyReasons: string[];
      wrapUpCodes: string[];
      boardThresholds?: BoardThresholds;
      retention?: RetentionPolicy;
      queueHours?: Record<string, unknown>;
    };
  } | null;
  const thresholds = current?.settings.boardThresholds ?? DEFAULT_THRESHOLDS;
  ($('sl-target') as HTMLInputElement).value = String(thresholds.serviceLevelTargetPct);
  ($('max-wait') as HTMLInputElement).value = String(thresholds.maxWaitSec);
  loadedVersion = current?.version ?? 0;
  if (!current) return;
  for (const kind of RETENTION_KINDS) retentionInput(kind).value = String(current.settings.retention?.[kind] ?? '');
  ($('reasons') as HTMLTextAreaElement).value = current.settings.notReadyReasons.join('\n');
  ($('codes') as HTMLTextAreaElement).value = current.settings.wrapUpCodes.join('\n');
  const queueHours = current.settings.queueHours;
  ($('queue-hours') as HTMLTextAreaElement).value =
    queueHours && Object.keys(queueHours).length > 0 ? JSON.stringify(queueHours, null, 2) : '';
  loadedHoursText = ($('queue-hours') as HTMLTextAreaElement).value.trim();
}

/**
 * The rule a number box breaks, as the relay's refusal words it: the browser's own bubble would say it in the
 * browser's language ("Value must be less than or equal to 100"), not the page's.
 */
function numberRule(input: HTMLInputElement): string | undefined {
  const v = input.validity;
  if (v.valid) return undefined;
  if (input.id === 'sl-target') return 'serviceLevelTarget';
  if (input.id === 'max-wait') return 'maxWait';
  if (v.badInput) return 'days';
  if (v.rangeUnderflow) return 'daysMin';
  if (v.rangeOverflow) return 'daysMax';
  return v.stepMismatch ? 'wholeDays' : undefined;
}
const numberBoxes = () => [...document.querySelectorAll<HTMLInputElement>('#settings input[type="number"]')];
function wordNumberRules(): void {
  for (const input of numberBoxes()) {
    input.setCustomValidity('');
    const rule = numberRule(input);
    if (rule) input.setCustomValidity(say(`settingsRule.${rule}`));
  }
}
$('settings').addEventListener('input', wordNumberRules);

/** A save in flight: a second click (a double-click) waits for its answer instead of racing it into a false 409. */
let saving = false;
const saveButton = $('settings-save') as HTMLButtonElement;
$('settings').addEventListener('submit', (event) => {
  event.preventDefault();
  if (saving) return;
  // A number the relay refuses is named by field, like the lists; an empty one is sent as such and refused too.
  const number = (id: string) => ($(id) as HTMLInputElement).valueAsNumber;
  // The queues' hours as JSON, checked by the relay field by field; empty: every queue keeps the queues file's.
  const hoursText = ($('queue-hours') as HTMLTextAreaElement).value.trim();
  let queueHours: unknown;
  try {
    queueHours = hoursText ? JSON.parse(hoursText) : undefined;
  } catch {
    showOutcome({ problems: [() => say('hours.notJson')] });
    return $('problem').focus();
  }
  const [reasons, codes] = [box('reasons'), box('codes')];
  const typedLines = { notReadyReasons: reasons.typedLines, wrapUpCodes: codes.typedLines };
  const body = JSON.stringify({
    notReadyReasons: reasons.entries,
    wrapUpCodes: codes.entries,
    boardThresholds: { serviceLevelTargetPct: number('sl-target'), maxWaitSec: number('max-wait') },
    retention: retentionOf(),
    // An empty box clears every queue's hours here (the queues file's apply again). Hours left as loaded are not
    // sent: those in force stay, and one kept for a queue since renamed or removed does not block this save.
    ...(hoursText !== loadedHoursText && { queueHours: queueHours ?? {} }),
    // The version on screen: a save by someone else since is not silently undone.
    basedOn: loadedVersion,
  });
  saving = true;
  saveButton.disabled = true;
  void save(body, hoursText, typedLines).finally(() => {
    saving = false;
    saveButton.disabled = false;
    // The disabled button lost the focus to <body>: a refusal takes it to the problem line, a save back to Save.
    if (problems.length > 0) $('problem').focus();
    else saveButton.focus();
  });
});

async function save(body: string, hoursText: string, typedLines: Record<string, number[]>): Promise<void> {
  const response = await call({ method: 'PUT', body });
  if (!response) return;
  if (response.status === 400)
    return showOutcome({
      problems: refusalLines(await response.json().catch(() => undefined), settingsField(typedLines)),
    });
  if (response.status === 409) {
    const newer = (await response.json()) as { version?: number; changedBy?: string };
    return showOutcome({
      problems: [() => say('settings.changedSince', { version: newer.version, by: newer.changedBy })],
    });
  }
  if (!response.ok) return showOutcome({ problems: [refusedSentence(response.status)] });
  const saved = SettingsSaved.safeParse(await response.json().catch(() => undefined));
  if (!saved.success) return showOutcome({ problems: [refusedSentence(response.status)] });
  loadedVersion = saved.data.version;
  loadedHoursText = hoursText;
  showOutcome({ saved: saved.data.version, unchanged: saved.data.unchanged });
}
/** The hours box's note, its JSON example set apart left to right: inside an Arabic sentence its braces scrambled. */
function showHoursNote(): void {
  const marker = '\u{E000}';
  const [before = '', after = ''] = say('hours.settingsNote', { example: marker }).split(marker);
  const example = Object.assign(document.createElement('code'), { dir: 'ltr', textContent: HOURS_EXAMPLE });
  $('queue-hours-note').replaceChildren(before, example, after);
}
const HOURS_EXAMPLE = '{"support": {"hours": {…}, "maxWait": {…}}}';

const queueSettings = startQueueSettings(token, readOnly);
startBoardLanguage('settings.title', () => {
  showHoursNote();
  wordNumberRules();
  showSaved();
  showProblems(problems);
  showCustomerResult();
  queueSettings.redraw();
});
startCustomerData(token);
// The form arrives off (settings.html) and waits for the settings in force: a value typed before they arrive
// would be overwritten by them. Off in the markup, as the page is usable before this module runs.
const form = $('settings') as HTMLFormElement;
const fields = [...form.elements] as Array<HTMLInputElement | HTMLTextAreaElement | HTMLButtonElement>;
void load().finally(() => {
  for (const field of fields) field.disabled = false;
  wordNumberRules();
  if (readOnly) readOnlyControls(form);
});
if (readOnly) readOnlyControls($('customer-data'));
