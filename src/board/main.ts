import { replaceInPlace } from './keepInPlace';
import { claimsOf } from './boardToken';
import { callKind } from './callKind';
import {
  BOARD_ALIVE_MS,
  BoardMessage,
  type AgentCall,
  type BoardFigures,
  type BoardRequest,
  type BoardSnapshot,
} from '../shared/boardSchemas';
import { isUserId } from '../shared/graphSchemas';
import { boardPercent, boardWhen, say, startBoardLanguage } from './i18n';
import { assistantWords, csatWords } from './figureWords';
import { readRefusedSentence } from './relayRefusals';
import { createListenIn } from './listenIn';
import { renderAccountAlerts } from './accountAlerts';
import { renderFloor, setWallboard, startWallboardControls } from './floor';
import { agentsOnHold, setStatusHint, known, stateLabel } from './agentState';

const TOKEN_KEY = 'board-token';
const $ = (id: string) => document.getElementById(id)!;

let socket: WebSocket | undefined;
/** The token this page is signed in (or signing in) with; undefined once the supervisor signs out. */
let wanted: string | undefined;
/** What the header says, kept as message keys so a change of language re-words it. */
let live = '';
let supervisor = '';
let snapshot: BoardSnapshot | undefined;
/** The relay's clock minus this page's, so times count on between snapshots. */
let clockSkewMs = 0;
/** How long a supervisor's Set Away or Available stays wanted: held up longer on the way, the relay refuses it. */
const CHANGE_WAIT_MS = 8000;
let retryMs = 500;
/** When (this page's clock) the line to the relay was lost with a board on screen; undefined while live. */
let lostAtMs: number | undefined;
/** Renews a company sign-in's token before it runs out. */
let renewal: ReturnType<typeof setTimeout> | undefined;
/** The relay speaks every few seconds at least: a line silent this long is lost, though nothing closed it. */
const SILENCE_LIMIT_MS = 2 * BOARD_ALIVE_MS + 2000;
let silence: ReturnType<typeof setTimeout> | undefined;
/** Snapshots come every second: none for this long on a live line means the figures on screen stopped moving. */
const FIGURES_LIMIT_MS = 5000;
let figuresDue: ReturnType<typeof setTimeout> | undefined;
/** When (this page's clock) the last snapshot came, once none has come since for too long; undefined while they come. */
let figuresStuckAtMs: number | undefined;
/** The relay said, since the last snapshot, that it cannot build the figures (the team's store fails or hangs). */
let figuresStalled = false;
/** When the last snapshot came; whether the next is overdue, and whether the relay has said anything since. */
let figuresAtMs = 0;
let figuresOverdue = false;
let heardSinceFigures = false;

function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
// Stale (the relay lost, or its figures stopped), the clock stops where the figures were last true.
const relayNow = () => (figuresStuckAtMs ?? lostAtMs ?? Date.now()) + clockSkewMs;
const seconds = (v: number | undefined) => (v === undefined ? '–' : say('unit.seconds', { value: Math.round(v) }));
const percent = (v: number | undefined) => (v === undefined ? '–' : boardPercent(v));

/** The team's not-ready reasons for a supervisor setting an agent away; the first choice gives none. */
function reasonPicker(reasons: string[]): HTMLSelectElement {
  const picker = document.createElement('select');
  picker.setAttribute('data-testid', 'agent-away-reason');
  picker.setAttribute('aria-label', say('row.awayReason'));
  const none = document.createElement('option');
  none.value = '';
  none.textContent = say('row.awayNoReason');
  picker.append(none);
  for (const reason of reasons) {
    const option = document.createElement('option');
    option.value = reason;
    option.textContent = known('reason', reason);
    picker.append(option);
  }
  return picker;
}

/** A name, id or note that keeps its own reading direction inside the page's. */
function isolated(text: string, ltr = false): HTMLElement {
  const bdi = document.createElement('bdi');
  if (ltr) bdi.dir = 'ltr';
  bdi.textContent = text;
  return bdi;
}
/** A customer as the desk shows them: +number, @username, or (neither known) the id WhatsApp gives username users. */
const customerText = (customer: string, username?: string) =>
  isUserId(customer) ? (username ? `@${username}` : customer) : `+${customer}`;
// Numbers and usernames read left to right, also in Arabic.
const customerCell = (customer: string, username?: string) =>
  isolated(customerText(customer, username), !isUserId(customer) || Boolean(username));
/** A queue by the name the operator gave it; its id where the relay knows no name. */
const queueName = (id: string) => snapshot?.queueNames[id] ?? id;

/** A table row from cells; every cell is text or a node, never markup. */

/** A message with one of its values as a node (an isolated name), the words around it as text. */
function sayAround(key: string, name: string, node: Node, values: Record<string, unknown> = {}): Array<string | Node> {
  const [before = '', after = ''] = say(key, { ...values, [name]: '\u0000' }).split('\u0000');
  return [before, node, after];
}

/** A call's queue by its name (a queue's callback says so beside it), or what the call is outside any queue. */
function queueCell(c: BoardSnapshot['inProgress'][number]): string | Node {
  if (!c.queue) return callKind(c);
  if (!c.callback) return isolated(queueName(c.queue));
  const cell = document.createElement('span');
  cell.append(isolated(queueName(c.queue)), ` · ${say('row.callback')}`);
  return cell;
}

function row(cells: Array<string | Node>, attrs: Record<string, string> = {}): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const [k, v] of Object.entries(attrs)) tr.setAttribute(k, v);
  for (const cell of cells) {
    const td = document.createElement('td');
    td.append(cell);
    tr.append(td);
  }
  return tr;
}

/** Sends to the relay; false, with a sentence saying so, while the board is stale or not connected. */
function send(request: BoardRequest): boolean {
  if (lostAtMs === undefined && socket?.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify(request));
    return true;
  }
  showProblem(say('stale.refused'), true);
  return false;
}

/** The floor marked stale (dimmed, with when contact was lost or the figures stopped) or live again; the wallboard too. */
function showStale(): void {
  const note = $('stale');
  const stale = lostAtMs !== undefined || figuresStuckAtMs !== undefined;
  $('board').classList.toggle('stale', stale);
  note.hidden = !stale;
  if (lostAtMs !== undefined)
    note.textContent = say('stale.lost', { time: boardWhen(lostAtMs, { timeStyle: 'short' }) });
  else if (figuresStuckAtMs !== undefined)
    note.textContent = say(figuresStalled ? 'stale.figuresStalled' : 'stale.figuresStopped', {
      time: boardWhen(figuresStuckAtMs, { timeStyle: 'medium' }),
    });
  else note.textContent = '';
}

const listenIn = createListenIn({
  send: (request) => send(request),
  audio: $('listen-audio') as HTMLAudioElement,
  show(view) {
    const panel = $('listen');
    panel.hidden = false;
    $('listen-state').textContent = view.text;
    $('listen-note').textContent = view.note ?? '';
    $('listen-note').hidden = !view.note;
    for (const mode of ['listen', 'whisper', 'barge'] as const)
      ($(`listen-${mode}`) as HTMLButtonElement).hidden = !view.modes.includes(mode);
    ($('listen-stop') as HTMLButtonElement).hidden = !view.active;
  },
});
/** A direct call's Listen cell: why there is no button (its audio never passes through Janus). */
function notListenable(): HTMLSpanElement {
  const why = document.createElement('span');
  why.className = 'not-listenable';
  why.setAttribute('data-testid', 'not-listenable');
  why.textContent = say('listen.direct');
  why.title = say('talkRefused.direct');
  return why;
}

for (const mode of ['listen', 'whisper', 'barge'] as const)
  $(`listen-${mode}`).addEventListener('click', () => listenIn.talk(mode));
$('listen-stop').addEventListener('click', () => listenIn.stop());

/** The sentence shown says why something waits for the board to be live again: it goes when the board is. */
let problemUntilLive = false;
function showProblem(text: string | undefined, untilLive = false): void {
  const p = $('problem');
  p.hidden = !text;
  p.textContent = text ?? '';
  problemUntilLive = untilLive && text !== undefined;
}

/** Missed, and beside it on an agent's line the rings they declined, which are not misses. */
function missedCell(f: BoardFigures): Node {
  const cell = document.createDocumentFragment();
  cell.append(String(f.missed));
  if (!f.declined) return cell;
  const declined = document.createElement('span');
  declined.setAttribute('data-field', 'declined');
  declined.textContent = ` ${say('row.declined', { count: f.declined })}`;
  cell.append(declined);
  return cell;
}

/** Calls the queue turned away without an agent, with why: closed, or waited past the queue's maximum. */
function turnedAwayCell(f: BoardFigures): HTMLTableCellElement {
  const td = document.createElement('td');
  td.setAttribute('data-field', 'turned-away');
  const [closed, waited] = [f.closed ?? 0, f.waitedTooLong ?? 0];
  td.textContent = closed + waited ? `${closed + waited} (${say('hours.turnedAway', { closed, waited })})` : '0';
  return td;
}

/** The supervisor's queues closed now by their business hours, and why. */
function renderClosedQueues(closed: BoardSnapshot['closedQueues']): void {
  const line = $('closed-queues');
  const named = closed.map((c) => say(`hours.${c.why}`, { name: queueName(c.queue) }));
  line.textContent = named.length ? say('hours.closedNow', { queues: named.join(', ') }) : '';
  line.hidden = named.length === 0;
}

/** Waiting for a free agent or the customer's permission, offered to one, or being called by one (name isolated). */
function callbackState(c: BoardSnapshot['callbacks'][number]): string | Node {
  if (c.state === 'awaiting_permission') return say('callbacks.awaitingPermission');
  if (!c.agent || c.state === 'waiting') return say('callbacks.waiting');
  const span = document.createElement('span');
  span.append(...sayAround(`callbacks.${c.state}By`, 'agent', isolated(c.agent)));
  return span;
}

/** Customers' callbacks not yet done, oldest call first, and today's count of them. */
function renderCallbacks(now: number): void {
  if (!snapshot) return;
  const today = snapshot.callbacksToday;
  const line = $('callbacks-today');
  line.hidden = !today;
  line.textContent = today ? say('callbacks.today', today) : '';
  replaceInPlace(
    $('callbacks'),
    snapshot.callbacks.map((c) =>
      row(
        [
          isolated(queueName(c.queue)),
          customerCell(c.customer),
          duration(now - c.sinceMs),
          String(c.attempts),
          callbackState(c),
        ],
        { 'data-testid': 'callback-row', 'data-callback-id': c.callbackId },
      ),
    ),
  );
}

function figuresRow(label: string, f: BoardFigures, attrs: Record<string, string>): HTMLTableRowElement {
  const cells = [
    label,
    String(f.offered),
    String(f.answered),
    missedCell(f),
    String(f.abandoned),
    seconds(f.asaSec),
    seconds(f.ahtSec),
    percent(f.serviceLevelPct),
    csatWords(f),
    assistantWords(f),
  ];
  const tr = row(cells, attrs);
  const fields = [
    'name',
    'offered',
    'answered',
    'missed',
    'abandoned',
    'asa',
    'aht',
    'service-level',
    'csat',
    'assistant',
  ];
  tr.querySelectorAll('td').forEach((td, i) => td.setAttribute('data-field', fields[i]!));
  tr.append(turnedAwayCell(f));
  return tr;
}

function render(): void {
  if (!snapshot) return;
  const reasons = snapshot.notReadyReasons;
  const now = relayNow();
  renderAccountAlerts($('board'), snapshot.accountAlerts);
  renderClosedQueues(snapshot.closedQueues);
  renderCallbacks(now);
  renderFloor(snapshot, now, { queueName, sayAround, isolated, duration, percent });
  $('waiting-count').textContent = `(${snapshot.waiting.length})`;
  $('waiting-count').setAttribute('aria-label', say('section.waitingCount', { count: snapshot.waiting.length }));
  replaceInPlace(
    $('waiting'),
    snapshot.waiting.map((w) =>
      row(
        [
          isolated(queueName(w.queue)),
          customerCell(w.customer, w.username),
          duration(now - w.sinceMs),
          w.ringingAt.length ? isolated(w.ringingAt.join(', ')) : say('row.nobodyFree'),
        ],
        {
          'data-testid': 'waiting-row',
          'data-call-id': w.callId,
        },
      ),
    ),
  );
  // Calls a bot holds come first under their queue: the customer talks to the assistant, no agent yet.
  const withAssistant = snapshot.withAssistant.map((c) =>
    row(
      [
        c.bot ? say('row.withNamedAssistant', { name: c.bot }) : say('row.withAssistant'),
        isolated(queueName(c.queue)),
        customerCell(c.customer, c.username),
        duration(now - c.sinceMs),
        '–',
      ],
      { 'data-testid': 'assistant-row', 'data-call-id': c.callId, 'data-queue': c.queue },
    ),
  );
  replaceInPlace($('in-progress'), [
    ...withAssistant,
    ...snapshot.inProgress.map((c) => {
      let listen: string | Node = notListenable();
      if (c.listenable) {
        const button = document.createElement('button');
        button.textContent = listenIn.cellText(c.callId);
        button.disabled = listenIn.listeningTo() === c.callId;
        button.setAttribute('data-testid', 'listen');
        button.onclick = () =>
          listenIn.start(
            c.callId,
            say('listen.who', { agent: c.agent, customer: customerText(c.customer, c.username) }),
          );
        listen = button;
      }
      // A held call says so with the hold's own time, as the agent's desk does.
      const time = !c.held
        ? duration(now - c.sinceMs)
        : c.heldSinceMs !== undefined
          ? say('row.onHold', { time: duration(now - c.heldSinceMs) })
          : say('state.on_hold');
      return row([isolated(c.agent), queueCell(c), customerCell(c.customer, c.username), time, listen], {
        'data-testid': 'in-progress-row',
        'data-call-id': c.callId,
        'data-agent': c.agent,
        ...(c.held && { 'data-held': 'true' }),
      });
    }),
  ]);
  const listened = snapshot.inProgress.find((c) => c.callId === listenIn.listeningTo());
  if (listened) listenIn.onCustomerHeld(listened.callId, listened.held === true);
  const holding = agentsOnHold(snapshot.inProgress);
  replaceInPlace(
    $('agents'),
    snapshot.agents.map((a) => {
      const status = document.createElement('span');
      status.className = `status-${a.state}`;
      const heldSinceMs = holding.get(a.id);
      status.textContent = stateLabel({ ...a, onHold: holding.has(a.id) });
      status.setAttribute('data-testid', 'agent-status');
      const actions = document.createElement('span');
      const toggle = document.createElement('button');
      // What the agent chose: on a call, ringing or in after-call work it applies once they are done.
      const chosen = a.chosen ?? (a.state === 'not_ready' ? 'not_ready' : 'available');
      const next = chosen === 'not_ready' ? 'available' : 'away';
      toggle.textContent = next === 'away' ? say('row.setAway') : say('row.setAvailable');
      toggle.setAttribute('data-testid', 'agent-set-status');
      toggle.disabled = a.state === 'offline';
      const hint = setStatusHint(a);
      if (hint) toggle.title = hint;
      // Away for one of the team's reasons, chosen beside the button (read when clicked: redraws keep the choice).
      const why = next === 'away' && reasons.length > 0 ? reasonPicker(reasons) : undefined;
      toggle.onclick = (event) => {
        // The button on the page: after a redraw this handler belongs to it, not to the row it was built with.
        const shown = event.currentTarget as HTMLElement;
        const picked = shown.parentElement?.querySelector<HTMLSelectElement>('[data-testid="agent-away-reason"]');
        const reason = next === 'away' && picked?.value ? picked.value : undefined;
        // Once until the next snapshot redraws it: a double click sets (and audits) the state once.
        const notAfterMs = Date.now() + clockSkewMs + CHANGE_WAIT_MS;
        if (send({ type: 'set_status', agentId: a.id, status: next, ...(reason && { reason }), notAfterMs }))
          (shown as HTMLButtonElement).disabled = true;
      };
      const calls = document.createElement('button');
      calls.textContent = say('row.recentCalls');
      calls.setAttribute('data-testid', 'agent-recent');
      calls.onclick = () => void send({ type: 'agent_calls', agentId: a.id });
      actions.append(...(why ? [why] : []), toggle, calls);
      const queues = a.queues.length ? isolated(a.queues.map(queueName).join(', ')) : '–';
      const sinceMs = heldSinceMs ?? a.sinceMs;
      return row([isolated(a.id), status, sinceMs ? duration(now - sinceMs) : '–', queues, actions], {
        'data-testid': 'agent-row',
        'data-agent': a.id,
      });
    }),
  );
  const today = snapshot.today;
  if (!today.ok) {
    $('today-note').textContent = today.reason;
    $('today').replaceChildren();
    labelCells();
    return;
  }
  $('today-note').textContent = say('row.serviceLevelNote', { seconds: today.serviceLevelSec });
  $('today').replaceChildren(
    figuresRow(say('row.team'), today.team, { 'data-testid': 'figures-team', class: 'team' }),
    ...today.byQueue.map((q) =>
      figuresRow(say('row.queue', { name: queueName(q.queue) }), q, {
        'data-testid': 'figures-queue',
        'data-queue': q.queue,
      }),
    ),
    ...today.byAgent.map((a) =>
      figuresRow(say('row.agent', { name: a.agent }), a, { 'data-testid': 'figures-agent', 'data-agent': a.agent }),
    ),
  );
  labelCells();
}

/** Each cell carries its column's name, which a narrow screen shows beside it instead of the header row. */
function labelCells(): void {
  for (const table of $('board').querySelectorAll('table')) {
    const labels = [...table.querySelectorAll('thead th')].map((th) => th.textContent?.trim() ?? '');
    for (const tr of table.querySelectorAll('tbody tr'))
      tr.querySelectorAll('td').forEach((td, i) => td.setAttribute('data-label', labels[i] ?? ''));
  }
}

/** Plays a call's room recording here: fetched with the supervisor's token, never a bare link. */
function recordingButton(callId: string): HTMLButtonElement {
  const button = document.createElement('button');
  button.textContent = say('row.playRecording');
  button.setAttribute('data-testid', 'play-recording');
  button.onclick = async () => {
    const token = sessionStorage.getItem(TOKEN_KEY) ?? '';
    const response = await fetch(`/board/api/recording?callId=${encodeURIComponent(callId)}`, {
      headers: { Authorization: `Bearer ${token}` },
    }).catch(() => undefined);
    if (!response?.ok) {
      showProblem(response ? readRefusedSentence(response.status, 'recording') : say('row.relayNoAnswer'));
      return;
    }
    const audio = document.createElement('audio');
    audio.controls = true;
    audio.setAttribute('data-testid', 'recording-player');
    audio.src = URL.createObjectURL(await response.blob());
    button.replaceWith(audio);
    void audio.play().catch(() => undefined);
  };
  return button;
}

/** What became of the call for this agent: answered it, took it over, joined it, or not answered. */
function resultOf(call: AgentCall): string {
  if (!call.answered) return say('row.notAnswered');
  const time = seconds(call.talkSec);
  if (call.joined === 'transfer') return say('row.tookOverFor', { time });
  if (call.joined === 'conference') return say('row.joinedFor', { time });
  return say('row.answeredFor', { time });
}

/** The agent's calls on show, drawn again in a newly chosen language. */
let agentCallsShown: Extract<BoardMessage, { type: 'agent_calls' }> | undefined;

function showAgentCalls(message: Extract<BoardMessage, { type: 'agent_calls' }>): void {
  agentCallsShown = message;
  const box = $('agent-calls');
  box.hidden = false;
  const title = document.createElement('h3');
  title.append(...sayAround('row.recentOf', 'agent', isolated(message.agentId)));
  const table = document.createElement('table');
  const head = document.createElement('thead');
  const names = ['col.when', 'col.customer', 'col.queue', 'col.result', 'col.outcome', 'col.recording'];
  const headRow = document.createElement('tr');
  for (const key of names) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = say(key);
    headRow.append(th);
  }
  head.append(headRow);
  const body = document.createElement('tbody');
  body.append(
    ...message.calls.map((c) =>
      row(
        [
          boardWhen(c.offeredAtMs, { dateStyle: 'medium', timeStyle: 'short' }),
          customerCell(c.customer),
          c.queue ? isolated(queueName(c.queue)) : '–',
          resultOf(c),
          c.outcome || c.notes
            ? isolated([c.outcome && known('outcome', c.outcome), c.notes].filter(Boolean).join(' · '))
            : '–',
          c.recorded ? recordingButton(c.callId) : '–',
        ],
        { 'data-testid': 'agent-call', 'data-call-id': c.callId },
      ),
    ),
  );
  table.append(head, body);
  box.replaceChildren(title, message.calls.length ? table : say('row.noCalls'));
  labelCells();
}

/** The relay ended this sign-in (token refused, withdrawn or expired): nothing it showed stays on the page. */
function signedOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  clearTimeout(renewal);
  const listening = listenIn.listeningTo();
  if (listening) listenIn.onEnded(listening, say('listen.signInEnded'));
  snapshot = undefined;
  lostAtMs = undefined;
  figuresStuckAtMs = undefined;
  figuresStalled = false;
  clearTimeout(silence);
  clearTimeout(figuresDue);
  showStale();
  for (const id of ['waiting', 'in-progress', 'agents', 'today', 'agent-calls', 'tiles', 'floor-alert'])
    $(id).replaceChildren();
  $('floor-alert').hidden = true;
  setWallboard(false);
  $('sign-in').hidden = false;
  $('board').hidden = true;
}

/** The line to the relay closed or went silent: the floor is marked stale, and the page connects again. */
function lineLost(line: WebSocket): void {
  // Another sign-in (or a renewed token) took over: this line's end is not the page's news.
  const current = wanted;
  if (!current || socket !== line) return;
  clearTimeout(silence);
  clearTimeout(figuresDue);
  live = 'signIn.reconnecting';
  $('live').textContent = say(live);
  if (snapshot && lostAtMs === undefined) {
    lostAtMs = Date.now();
    showStale();
    render();
  }
  setTimeout(() => wanted === current && connect(current), retryMs);
  retryMs = Math.min(retryMs * 2, 10_000);
}

/** Waits afresh for the relay's next word on this line; a NAT that forgot it or a frozen relay closes nothing. */
function awaitWord(line: WebSocket): void {
  clearTimeout(silence);
  silence = setTimeout(() => {
    line.onclose = null;
    line.onmessage = null;
    line.close();
    lineLost(line);
  }, SILENCE_LIMIT_MS);
}

/** Waits for the next snapshot; on a line that stays live without one, the figures on screen are marked as stopped. */
function awaitFigures(line: WebSocket): void {
  clearTimeout(figuresDue);
  figuresAtMs = Date.now();
  figuresOverdue = false;
  heardSinceFigures = false;
  figuresDue = setTimeout(() => {
    figuresOverdue = true;
    figuresStopped(line);
  }, FIGURES_LIMIT_MS);
}

/**
 * Snapshots are overdue on a line the relay still speaks on: the figures stopped. A relay that says nothing at all is
 * left to the silence limit, which takes the line as lost.
 */
function figuresStopped(line: WebSocket): void {
  if (!figuresOverdue || !heardSinceFigures || socket !== line || lostAtMs !== undefined) return;
  if (figuresStuckAtMs !== undefined) return showStale();
  figuresStuckAtMs = figuresAtMs;
  showStale();
  render();
}

function connect(token: string): void {
  wanted = token;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/board/live`;
  socket = new WebSocket(url);
  live = 'signIn.connecting';
  $('live').textContent = say(live);
  const line = socket;
  // From the start: an upgrade the relay never answers is as lost as a silent line.
  awaitWord(line);
  // The sign-in goes out on a new line even while the board is still marked stale.
  socket.onopen = () => line.send(JSON.stringify({ type: 'hello', token } satisfies BoardRequest));
  socket.onmessage = (event) => {
    if (socket === line) awaitWord(line);
    let parsed: ReturnType<typeof BoardMessage.safeParse>;
    try {
      parsed = BoardMessage.safeParse(JSON.parse(String(event.data)));
    } catch {
      return;
    }
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'welcome') {
      retryMs = 500;
      sessionStorage.setItem(TOKEN_KEY, token);
      $('sign-in').hidden = true;
      $('board').hidden = false;
      supervisor = message.supervisor;
      ($('token') as HTMLTextAreaElement).value = '';
      $('who').replaceChildren(...sayAround('signIn.signedInAs', 'name', isolated(supervisor)));
      live = 'signIn.live';
      $('live').textContent = say(live);
      showProblem(undefined);
      $('admin-links').hidden = claimsOf(token).role !== 'admin';
      renewLater(token);
    } else if (message.type === 'snapshot') {
      snapshot = message.snapshot;
      clockSkewMs = message.snapshot.atMs - Date.now();
      awaitFigures(line);
      figuresStalled = false;
      if (lostAtMs !== undefined || figuresStuckAtMs !== undefined) {
        lostAtMs = undefined;
        figuresStuckAtMs = undefined;
        showStale();
        if (problemUntilLive) showProblem(undefined);
      }
      render();
    } else if (message.type === 'alive') {
      heardSinceFigures = true;
      figuresStopped(line);
    } else if (message.type === 'figures_stalled') {
      heardSinceFigures = true;
      figuresStalled = true;
      figuresStopped(line);
    } else if (message.type === 'agent_calls') {
      showAgentCalls(message);
    } else if (message.type === 'listen_offer') {
      listenIn.onOffer(message.callId, message.sdp, message.iceServers ?? []).catch((error: unknown) => {
        console.error('listening line not set up', error);
        listenIn.onEnded(message.callId, say('listen.lineFailed'));
        send({ type: 'stop_listening', callId: message.callId });
      });
    } else if (message.type === 'listening') {
      listenIn.onListening(message.callId, message.heard, message.mode, message.whisperEnded);
    } else if (message.type === 'talk_refused') {
      listenIn.onRefused(message.callId, message.why);
    } else if (message.type === 'listen_ended') {
      listenIn.onEnded(message.callId, message.why ? say('listen.refusedWhispering') : message.reason);
      render();
    } else {
      showProblem(message.message, message.untilLive);
    }
  };
  socket.onclose = (event) => {
    if (event.code === 4001) {
      signedOut();
      // A company sign-in that ended: the page says so in the supervisor's language, not the operator's token words.
      if (claimsOf(token).sid) showProblem(say('signIn.refused_ended'));
      return;
    }
    lineLost(line);
  };
}

/** A company sign-in's token is renewed at half its life, while the company still vouches for the supervisor. */
function renewLater(token: string): void {
  clearTimeout(renewal);
  const { exp, sid } = claimsOf(token);
  if (!sid || !exp) return;
  renewal = setTimeout(() => void renew(token), Math.max(1000, (exp * 1000 - Date.now()) / 2));
}

async function renew(token: string): Promise<void> {
  if (wanted !== token) return;
  const response = await fetch('/auth/refresh', {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
  }).catch(() => undefined);
  if (wanted !== token) return;
  if (response?.status === 401) {
    const { refused } = (await response.json().catch(() => ({}))) as { refused?: string };
    wanted = undefined;
    socket?.close(1000);
    signedOut();
    return showProblem(say(`signIn.refused_${refused === 'no_role' ? 'no_role' : 'ended'}`));
  }
  if (!response?.ok) {
    // The relay or the company's provider is briefly away: try again soon; the token's own expiry still holds.
    renewal = setTimeout(() => void renew(token), 5000);
    return;
  }
  const { token: renewed } = (await response.json()) as { token: string };
  wanted = renewed;
  sessionStorage.setItem(TOKEN_KEY, renewed);
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'renew', token: renewed }));
  renewLater(renewed);
}

$('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = ($('token') as HTMLTextAreaElement).value.trim();
  if (!token) return showProblem(say('signIn.tokenFirst'));
  connect(token);
});
// Signing out forgets the token here and closes the line; the relay ends any listening with it.
$('sign-out').addEventListener('click', () => {
  wanted = undefined;
  socket?.close(1000);
  signedOut();
});
startBoardLanguage('page.title', () => {
  if (supervisor) $('who').replaceChildren(...sayAround('signIn.signedInAs', 'name', isolated(supervisor)));
  if (live) $('live').textContent = say(live);
  showStale();
  if (agentCallsShown && !$('agent-calls').hidden) showAgentCalls(agentCallsShown);
  render();
});
setInterval(render, 1000);
startWallboardControls(render);
// Back from the company's sign-in: the relay's token, or why it refused, is in the address's fragment.
const landed = new URLSearchParams(location.hash.slice(1));
if (landed.has('session') || landed.has('refused')) history.replaceState(null, '', location.pathname);
const refusal = landed.get('refused');
const REFUSALS = ['no_role', 'bad_name', 'agent_on_board', 'failed', 'ended'];
if (refusal) showProblem(say(`signIn.refused_${REFUSALS.includes(refusal) ? refusal : 'failed'}`));
fetch('/auth/company')
  .then(async (response) => {
    const said = response.ok ? ((await response.json()) as { enabled?: boolean }) : undefined;
    $('company').hidden = said?.enabled !== true;
  })
  .catch(() => undefined);
const saved = landed.get('session') ?? sessionStorage.getItem(TOKEN_KEY);
if (saved) connect(saved);
