import type { BoardSnapshot } from '../shared/boardSchemas';
import { alertKey, alertStatement, floorTiles, type FloorAlert, type TileLevel } from '../shared/boardTiles';
import { say } from './i18n';

const $ = (id: string) => document.getElementById(id)!;
const SOUND_KEY = 'board-alert-sound';
/** How long the wallboard shows one queue before the next. */
const ROTATE_MS = 8000;

/** The board's own helpers, so names, times and percentages read the same in the tiles as in the tables. */
export interface FloorWords {
  queueName: (id: string) => string;
  sayAround: (key: string, name: string, node: Node, values?: Record<string, unknown>) => Array<string | Node>;
  isolated: (text: string, ltr?: boolean) => HTMLElement;
  duration: (ms: number) => string;
  percent: (v: number | undefined) => string;
}

function span(className: string, text: string): HTMLSpanElement {
  const el = document.createElement('span');
  el.className = className;
  el.textContent = text;
  return el;
}

const overOrNear = (level: TileLevel) =>
  level === 'alert' ? say('tiles.over') : level === 'warn' ? say('tiles.near') : undefined;

/** A service level is low, never "over": below the target, or within 10 points above it. */
const belowOrNearTarget = (level: TileLevel) =>
  level === 'alert' ? say('tiles.belowTarget') : level === 'warn' ? say('tiles.nearTarget') : undefined;

/** A tile: its words, its figure, and its level in words too (colour is never the only sign). */
function tile(
  id: string,
  label: string,
  value: string,
  level: TileLevel,
  notes: string[] = [],
  levelWord: (level: TileLevel) => string | undefined = overOrNear,
): HTMLLIElement {
  const li = document.createElement('li');
  li.className = `tile level-${level}`;
  li.setAttribute('data-testid', `tile-${id}`);
  li.setAttribute('data-level', level);
  li.append(span('tile-label', label), span('tile-value', value));
  const word = levelWord(level);
  const said = [...notes, ...(word ? [word] : [])];
  if (said.length) li.append(span('tile-note', said.join(' · ')));
  return li;
}

let shownAlerts = '';
let heardAlerts = new Set<string>();

/** A short tone; only when the supervisor turned the sound on (off by default). */
function chime(): void {
  if (localStorage.getItem(SOUND_KEY) !== 'on' || typeof AudioContext === 'undefined') return;
  const audio = new AudioContext();
  const tone = audio.createOscillator();
  const gain = audio.createGain();
  tone.frequency.value = 880;
  gain.gain.value = 0.2;
  tone.connect(gain).connect(audio.destination);
  tone.onended = () => void audio.close();
  tone.start();
  tone.stop(audio.currentTime + 0.6);
  document.body.dataset.alertChimes = String(Number(document.body.dataset.alertChimes ?? 0) + 1);
}

/**
 * The banner: re-worded only when what it says changes (the queues over a threshold, the figures it states, their
 * names), so a screen reader hears each once; the chime only for a queue newly over.
 */
function renderAlerts(alerts: FloorAlert[], words: FloorWords): void {
  const keys = alerts.map(alertKey);
  const fresh = keys.some((k) => !heardAlerts.has(k));
  heardAlerts = new Set(keys);
  if (fresh) chime();
  const stated = alerts.map((a) => `${alertStatement(a)}:${words.queueName(a.queue)}`);
  const shown = `${document.documentElement.lang}|${stated.join(',')}`;
  if (shown === shownAlerts) return;
  shownAlerts = shown;
  const box = $('floor-alert');
  box.hidden = alerts.length === 0;
  box.replaceChildren(
    ...alerts.map((a) => {
      const item = document.createElement('p');
      item.setAttribute('data-testid', 'floor-alert-item');
      item.setAttribute('data-queue', a.queue);
      item.setAttribute('data-kind', a.kind);
      const name = words.isolated(words.queueName(a.queue));
      item.append(
        ...(a.kind === 'max_wait'
          ? words.sayAround('alert.maxWait', 'queue', name, { max: words.duration(a.maxWaitSec * 1000) })
          : words.sayAround('alert.serviceLevel', 'queue', name, {
              pct: words.percent(a.pct),
              target: words.percent(a.targetPct),
            })),
      );
      return item;
    }),
  );
}

let rotation = 0;
let rotatedAtMs = 0;

/** The wallboard's one queue at a time, large, moving on every few seconds. */
function renderRotation(queues: ReturnType<typeof floorTiles>['byQueue'], words: FloorWords): void {
  if (!document.body.classList.contains('wallboard')) return;
  if (Date.now() - rotatedAtMs >= ROTATE_MS) {
    rotation += 1;
    rotatedAtMs = Date.now();
  }
  if (queues.length === 0) {
    $('rotation-name').textContent = say('wallboard.noQueues');
    $('rotation-position').textContent = '';
    $('rotation-figures').replaceChildren();
    return;
  }
  const index = rotation % queues.length;
  const q = queues[index]!;
  $('rotation-name').replaceChildren(words.isolated(words.queueName(q.queue)));
  $('rotation-name').setAttribute('data-queue', q.queue);
  $('rotation-position').textContent = say('wallboard.position', { n: index + 1, count: queues.length });
  const wait = q.longestWait.sec === undefined ? '–' : words.duration(q.longestWait.sec * 1000);
  $('rotation-figures').replaceChildren(
    tile('queue-waiting', say('tiles.waiting'), String(q.waiting), q.longestWait.level),
    tile('queue-longest-wait', say('tiles.longestWait'), wait, q.longestWait.level),
    tile(
      'queue-service-level',
      say('tiles.serviceLevel'),
      words.percent(q.serviceLevel.pct),
      q.serviceLevel.level,
      [],
      belowOrNearTarget,
    ),
    ...(q.withAssistant === undefined
      ? []
      : [tile('queue-with-assistant', say('tiles.withAssistant'), String(q.withAssistant), 'ok')]),
  );
}

/** The tiles across the top, the alert banner, and on the wallboard the rotating queue. */
export function renderFloor(snapshot: BoardSnapshot, nowMs: number, words: FloorWords): void {
  const t = floorTiles(snapshot, snapshot.thresholds, nowMs);
  const limits = snapshot.thresholds;
  const maxWait = say('tiles.maxWait', { time: words.duration(limits.maxWaitSec * 1000) });
  $('tiles').replaceChildren(
    tile('waiting', say('tiles.waiting'), String(t.waiting.count), t.waiting.level),
    tile(
      'longest-wait',
      say('tiles.longestWait'),
      t.longestWait.sec === undefined ? '–' : words.duration(t.longestWait.sec * 1000),
      t.longestWait.level,
      [maxWait],
    ),
    tile(
      'service-level',
      say('tiles.serviceLevel'),
      words.percent(t.serviceLevel.pct),
      t.serviceLevel.level,
      [say('tiles.target', { pct: words.percent(limits.serviceLevelTargetPct) })],
      belowOrNearTarget,
    ),
    // Nobody free while calls wait: the level's words say why, not "over the limit".
    tile('available', say('tiles.available'), String(t.agents.available), t.agents.availableLevel, [], (level) =>
      level === 'alert' ? say('tiles.nobodyFree') : undefined,
    ),
    tile('on-call', say('tiles.onCall'), String(t.agents.onCall), 'ok'),
    tile('after-call-work', say('tiles.afterCallWork'), String(t.agents.afterCallWork), 'ok'),
    tile('not-ready', say('tiles.notReady'), String(t.agents.notReady), 'ok'),
    ...(t.withAssistant === undefined
      ? []
      : [tile('with-assistant', say('tiles.withAssistant'), String(t.withAssistant), 'ok')]),
  );
  renderAlerts(t.alerts, words);
  renderRotation(t.byQueue, words);
}

/** The full-screen wallboard for the floor (large figures, one queue at a time), or the supervisor's board. */
export function setWallboard(on: boolean): void {
  document.body.classList.toggle('wallboard', on);
  const button = $('wallboard');
  button.dataset.i18n = on ? 'wallboard.exit' : 'wallboard.enter';
  button.textContent = say(button.dataset.i18n);
  button.setAttribute('aria-pressed', String(on));
  $('rotation').hidden = !on;
  rotatedAtMs = Date.now();
  if (on && !document.fullscreenElement) void document.documentElement.requestFullscreen?.().catch(() => undefined);
  if (!on && document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
}

/** The wallboard button and the alert sound choice (remembered in this browser); `?view=wallboard` opens it. */
export function startWallboardControls(redraw: () => void): void {
  $('wallboard').addEventListener('click', () => {
    setWallboard(!document.body.classList.contains('wallboard'));
    redraw();
  });
  const sound = $('alert-sound') as HTMLInputElement;
  sound.checked = localStorage.getItem(SOUND_KEY) === 'on';
  sound.addEventListener('change', () => localStorage.setItem(SOUND_KEY, sound.checked ? 'on' : 'off'));
  if (new URLSearchParams(location.search).get('view') === 'wallboard') setWallboard(true);
}
