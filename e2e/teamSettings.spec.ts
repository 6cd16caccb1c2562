import pg from 'pg';
import { test, expect } from '@playwright/test';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { startRelay, type Relay } from '../src/relay/relayServer';
import { startTestPostgres, type TestPostgres } from '../src/relay/testPostgres';
import { startTestRedis, type TestRedis } from '../src/relay/testRedis';
import { createMemoryLogger } from '../src/whatsapp/logger';
import { startWhatsAppSim, type WhatsAppSim } from '../sim/whatsappSim';
import { SIM_SECRETS } from '../sim/phoneWithSim';
import { ar } from '../src/board/i18n/ar';
import { readLeftToRight } from './drawnText';
import { AGENT_SECRET, openDesk } from './teamDesks';

let redis: TestRedis;
let postgres: TestPostgres;
let sim: WhatsAppSim;
let relays: Relay[];

test.beforeAll(async () => {
  [redis, postgres, sim] = await Promise.all([
    startTestRedis(),
    startTestPostgres(),
    startWhatsAppSim({ ...SIM_SECRETS }),
  ]);
  relays = await Promise.all(
    [0, 1].map(() =>
      startRelay({
        ...SIM_SECRETS,
        agentSecret: AGENT_SECRET,
        redisUrl: redis.url,
        graphBaseUrl: sim.graphBaseUrl,
        logger: createMemoryLogger(),
        prefix: 'team-settings',
        databaseUrl: postgres.url,
      }),
    ),
  );
});
test.afterAll(async () => {
  for (const relay of relays ?? []) await relay.close();
  await sim?.close();
  await redis?.stop();
  await postgres?.stop();
});

test('an admin changes the not-ready reasons and outcome codes on the board’s settings page; a desk on another instance offers the new reason within seconds and writes up its next call with the team’s codes', async ({
  browser,
}) => {
  const deskPage = await (await browser.newContext()).newPage();
  const desk = await openDesk(deskPage, 'asha', [relays[1]!.agentUrl]);
  const status = deskPage.getByTestId('agent-status');
  await expect(status.locator('option[value="lunch"]')).toHaveCount(1);
  await expect(status.locator('option[value="coaching"]')).toHaveCount(0);

  const board = await (await browser.newContext()).newPage();
  await board.goto(`${relays[0]!.agentUrl.replace(/^ws/, 'http')}board`);
  await board.getByTestId('board-token').fill(await issueSupervisorToken('ada', AGENT_SECRET, { role: 'admin' }));
  await board.getByTestId('board-sign-in-button').click();
  await board.getByTestId('board-settings').click();
  await expect(board.getByTestId('settings-codes')).not.toHaveValue('');
  await expect(board.getByTestId('settings-read-only')).toBeHidden();
  await board.getByTestId('settings-reasons').fill('break\nCoaching!');
  await board.getByTestId('settings-codes').fill('Resolved\nCallback booked');
  await board.getByTestId('settings-save').click();
  // The relay's refusal names the field as the page does, in the admin's language, and again when she changes it.
  await expect(board.getByTestId('settings-problem')).toHaveText(
    'Not-ready reasons, line 2: a reason is 1 to 40 letters (lower-case where the script has cases), digits, spaces, - or _',
  );
  await board.getByTestId('board-language').selectOption('es');
  await expect(board.getByTestId('settings-problem')).toHaveText(
    'Motivos de no disponible, línea 2: un motivo tiene de 1 a 40 letras (minúsculas donde la escritura las distingue), dígitos, espacios, - o _',
  );
  await board.getByTestId('board-language').selectOption('ar');
  await expect(board.getByTestId('settings-problem')).toHaveText(
    'أسباب عدم الجاهزية، السطر 2: السبب من 1 إلى 40 حرفًا (صغيرة حيث يفرّق الخط بين الكبيرة والصغيرة) وأرقام ومسافات و- أو _',
  );
  // A save refused in Arabic: every problem worded, each field named (a code twice, a queue's wait out of range).
  await board.getByTestId('settings-codes').fill('Resolved\nResolved');
  await board.getByTestId('settings-queue-hours').fill('{"support": {"maxWait": {"seconds": 2}}}');
  await board.getByTestId('settings-save').click();
  await expect(board.getByTestId('settings-problem').locator('li')).toHaveText([
    'أسباب عدم الجاهزية، السطر 2: السبب من 1 إلى 40 حرفًا (صغيرة حيث يفرّق الخط بين الكبيرة والصغيرة) وأرقام ومسافات و- أو _',
    'رموز نتيجة الإنهاء: رمز نتيجة مذكور مرتين',
    'ساعات العمل، قائمة الانتظار support، عند maxWait.seconds: يجب أن يكون 10 على الأقل',
  ]);
  await board.getByTestId('board-language').selectOption('en');
  await expect(board.getByTestId('settings-problem').locator('li')).toHaveText([
    'Not-ready reasons, line 2: a reason is 1 to 40 letters (lower-case where the script has cases), digits, spaces, - or _',
    'Wrap-up outcome codes: an outcome code is named twice',
    'Business hours, queue support, at maxWait.seconds: must be at least 10',
  ]);
  await board.getByTestId('settings-codes').fill('Resolved\nCallback booked');
  await board.getByTestId('settings-queue-hours').fill('');
  await board.getByTestId('settings-reasons').fill('break\ncoaching');
  await board.getByTestId('settings-save').click();
  await expect(board.getByTestId('settings-saved')).toHaveText(
    'Saved as version 1: every relay instance and desk has it within seconds.',
  );
  const savedAt = Date.now();
  await expect(status.locator('option[value="coaching"]')).toHaveCount(1, { timeout: 5000 });
  expect(Date.now() - savedAt).toBeLessThan(5000);
  await expect(status.locator('option[value="lunch"]')).toHaveCount(0);
  await status.selectOption('coaching');
  await expect(deskPage.getByTestId('agent-status')).toHaveValue('coaching');

  // A call the desk answers is written up with the team's codes, not the desk's defaults.
  await status.selectOption('available');
  sim.setWebhookUrl(relays[0]!.webhookUrl);
  await sim.placeCall({ from: '447700900731', name: 'Codes Caller' });
  await deskPage.getByTestId('answer').click();
  await expect(deskPage.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await deskPage.getByTestId('hangup').click();
  await expect(deskPage.getByTestId('wrap-up-outcome-Callback booked')).toBeVisible();
  await expect(deskPage.getByTestId('wrap-up-outcome-Sales')).toHaveCount(0);
  await deskPage.getByTestId('wrap-up-outcome-Callback booked').check();
  await deskPage.getByTestId('wrap-up-notes').fill('Wants a call on Monday');
  // The admin drops that code while the agent writes: Save is refused with why, the notes stay, another code goes.
  const admin = await issueSupervisorToken('ada', AGENT_SECRET, { role: 'admin' });
  const changed = await fetch(`${relays[0]!.agentUrl.replace(/^ws/, 'http')}board/api/settings`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ notReadyReasons: ['break', 'coaching'], wrapUpCodes: ['Resolved', 'Escalated'] }),
  });
  expect(changed.status).toBe(200);
  await expect(deskPage.getByTestId('wrap-up-outcome-Escalated')).toBeVisible({ timeout: 5000 });
  await deskPage.getByTestId('wrap-up-save').click();
  await expect(deskPage.getByTestId('wrap-up-error')).toHaveText(
    '“Callback booked” is not one of the team’s outcomes: choose one from the list.',
  );
  await expect(deskPage.getByTestId('wrap-up-notes')).toHaveValue('Wants a call on Monday');
  await deskPage.getByTestId('wrap-up-outcome-Escalated').check();
  await deskPage.getByTestId('wrap-up-save').click();
  await expect(deskPage.getByTestId('wrap-up')).toHaveCount(0);

  // The page opened again shows the version in force.
  await board.reload();
  await expect(board.getByTestId('settings-reasons')).toHaveValue('break\ncoaching');
  await expect(board.getByTestId('settings-codes')).toHaveValue('Resolved\nEscalated');
  await desk.close();
  await deskPage.context().close();
  await board.context().close();
});

test('an admin pastes a list too long for the relay: the page says so in her language and what to do, and nothing is saved', async ({
  browser,
}) => {
  const board = await (await browser.newContext()).newPage();
  await board.goto(`${relays[0]!.agentUrl.replace(/^ws/, 'http')}board`);
  await board.getByTestId('board-token').fill(await issueSupervisorToken('ada', AGENT_SECRET, { role: 'admin' }));
  await board.getByTestId('board-sign-in-button').click();
  await board.getByTestId('board-settings').click();
  await expect(board.getByTestId('settings-codes')).toBeEditable();
  const before = await board.getByTestId('settings-codes').inputValue();
  await board.getByTestId('board-language').selectOption('es');
  // 600 codes of 38 letters: some 23 KB, past what the relay reads of a settings save.
  const codes = Array.from({ length: 600 }, (_, i) => `Outcome code number ${String(i).padStart(4, '0')} abcdefghijk`);
  await board.getByTestId('settings-codes').fill(codes.join('\n'));
  await board.getByTestId('settings-save').click();
  await expect(board.getByTestId('settings-problem')).toHaveText(
    'El relé no aceptó este cambio: es demasiado largo. Acórtalo (menos entradas o más cortas) y guarda de nuevo.',
  );
  await board.getByTestId('board-language').selectOption('en');
  await expect(board.getByTestId('settings-problem')).toHaveText(
    'The relay did not take this change: it is too long. Shorten it (fewer or shorter entries) and save again.',
  );
  await board.reload();
  await expect(board.getByTestId('settings-codes')).toHaveValue(before);
  await board.context().close();
});

test('hours kept for a queue since renamed or removed do not stop the admin saving other settings from the page', async ({
  browser,
}) => {
  // A version in force gives hours to 'sales', a queue the team no longer has (renamed on the queues page since).
  const db = new pg.Client(postgres.url);
  await db.connect();
  try {
    const { rows } = await db.query<{ settings: Record<string, unknown> }>(
      'SELECT settings FROM team_settings ORDER BY version DESC LIMIT 1',
    );
    const hours = { timeZone: 'Europe/London', open: [{ days: ['mon'], from: '09:00', to: '17:00' }] };
    await db.query(`INSERT INTO team_settings (settings, changed_by) VALUES ($1, 'ada')`, [
      JSON.stringify({
        notReadyReasons: ['break', 'lunch'],
        wrapUpCodes: ['Resolved'],
        ...rows[0]?.settings,
        queueHours: { sales: { hours } },
      }),
    ]);
  } finally {
    await db.end();
  }
  const board = await (await browser.newContext()).newPage();
  await board.goto(`${relays[0]!.agentUrl.replace(/^ws/, 'http')}board`);
  await board.getByTestId('board-token').fill(await issueSupervisorToken('ada', AGENT_SECRET, { role: 'admin' }));
  await board.getByTestId('board-sign-in-button').click();
  await board.getByTestId('board-settings').click();
  await expect(board.getByTestId('settings-queue-hours')).toHaveValue(/"sales"/);
  await board.getByTestId('settings-codes').fill('Resolved\nRefund issued');
  await board.getByTestId('settings-save').click();
  await expect(board.getByTestId('settings-saved')).toHaveText(/^Saved as version \d+/);
  await board.reload();
  await expect(board.getByTestId('settings-codes')).toHaveValue('Resolved\nRefund issued');
  // Giving those hours again, by a change of the box, is still refused by name.
  const box = board.getByTestId('settings-queue-hours');
  await box.fill((await box.inputValue()).replace('17:00', '18:00'));
  await board.getByTestId('settings-save').click();
  await expect(board.getByTestId('settings-problem')).toContainText('sales');
  await board.context().close();
});

test('a double-click on Save sends one save: the page waits for its answer, and no false “changed since” shows', async ({
  browser,
}) => {
  const board = await (await browser.newContext()).newPage();
  await board.goto(`${relays[0]!.agentUrl.replace(/^ws/, 'http')}board`);
  await board.getByTestId('board-token').fill(await issueSupervisorToken('ada', AGENT_SECRET, { role: 'admin' }));
  await board.getByTestId('board-sign-in-button').click();
  await board.getByTestId('board-settings').click();
  await expect(board.getByTestId('settings-codes')).toBeEditable();
  const saves: string[] = [];
  board.on('request', (request) => {
    if (request.method() === 'PUT') saves.push(new URL(request.url()).pathname);
  });
  const codes = await board.getByTestId('settings-codes').inputValue();
  await board.getByTestId('settings-codes').fill(`${codes}\nCalled back`);
  await board.getByTestId('settings-save').dblclick();
  await expect(board.getByTestId('settings-saved')).toHaveText(/^Saved as version \d+/);
  // The second click is not queued either: a moment later, still one save and no problem.
  await board.waitForTimeout(1000);
  expect(saves).toEqual(['/board/api/settings']);
  await expect(board.getByTestId('settings-problem')).toBeHidden();
  // Saved again with nothing changed: no new version, and the page says so.
  const version = /version (\d+)/.exec((await board.getByTestId('settings-saved').textContent()) ?? '')![1];
  await board.getByTestId('settings-save').click();
  await expect(board.getByTestId('settings-saved')).toHaveText(
    `Nothing changed since version ${version}: no new version was saved.`,
  );
  await board.getByTestId('board-language').selectOption('es');
  await expect(board.getByTestId('settings-saved')).toHaveText(
    `Nada cambió desde la versión ${version}: no se guardó una versión nueva.`,
  );
  await board.getByTestId('board-language').selectOption('en');
  await board.context().close();
});

test('in Arabic, the hours box’s JSON example reads left to right as Chromium draws it, inside the right-to-left note', async ({
  browser,
}) => {
  const board = await (await browser.newContext()).newPage();
  await board.goto(`${relays[0]!.agentUrl.replace(/^ws/, 'http')}board`);
  await board.getByTestId('board-token').fill(await issueSupervisorToken('ada', AGENT_SECRET, { role: 'admin' }));
  await board.getByTestId('board-sign-in-button').click();
  await board.getByTestId('board-settings').click();
  const note = board.locator('#queue-hours-note');
  const example = '{"support": {"hours": {…}, "maxWait": {…}}}';
  await board.getByTestId('board-language').selectOption('ar');
  await expect(board.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(note).toContainText('حسب معرّف قائمة الانتظار');
  await expect(note).toHaveCSS('direction', 'rtl');
  expect(await readLeftToRight(note, example)).toBe(example.replace(/\s/g, ''));
  // Worded again in English, the example is still whole.
  await board.getByTestId('board-language').selectOption('en');
  await expect(note).toHaveText(
    `JSON by queue id, as in the queues file: ${example}. A queue left out keeps the queues file’s hours; empty: every queue keeps them.`,
  );
  await board.context().close();
});

test('in Arabic at 420 px: each number box sits beside its own label, a number out of range is named in Arabic, and a save the relay refuses takes the focus to its problem', async ({
  browser,
}) => {
  const board = await (await browser.newContext({ viewport: { width: 420, height: 900 } })).newPage();
  await board.goto(`${relays[0]!.agentUrl.replace(/^ws/, 'http')}board`);
  await board.getByTestId('board-token').fill(await issueSupervisorToken('ada', AGENT_SECRET, { role: 'admin' }));
  await board.getByTestId('board-sign-in-button').click();
  await board.getByTestId('board-settings').click();
  await board.getByTestId('board-language').selectOption('ar');
  await expect(board.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(board.getByTestId('settings-reasons')).toBeEditable();

  // Each box shares its row with its own label and no other: the labels and boxes ran together inline.
  const rows = await board.evaluate(() =>
    [...document.querySelectorAll<HTMLInputElement>('#settings input[type="number"]')].map((input) => {
      const box = input.getBoundingClientRect();
      const label = document.querySelector(`label[for="${input.id}"]`)!.getBoundingClientRect();
      return { id: input.id, box: [box.top, box.bottom], label: [label.top, label.bottom] };
    }),
  );
  expect(rows).toHaveLength(7);
  const overlaps = (a: number[], b: number[]) => Math.min(a[1]!, b[1]!) - Math.max(a[0]!, b[0]!) > 1;
  const misplaced = rows.flatMap((r) => [
    ...(overlaps(r.box, r.label) ? [] : [`${r.id}: not beside its label`]),
    ...rows.filter((o) => o.id !== r.id && overlaps(o.box, r.label)).map((o) => `${r.id}'s label beside ${o.id}`),
  ]);
  expect(misplaced).toEqual([]);
  expect(await board.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);

  // 150 % and 5000 days: the boxes say the rule in Arabic (Chromium's bubble shows this), and nothing is sent.
  const puts: string[] = [];
  board.on('request', (r) => void (r.method() === 'PUT' && puts.push(r.url())));
  const message = (testId: string) =>
    board.getByTestId(testId).evaluate((input: HTMLInputElement) => input.validationMessage);
  const target = await board.getByTestId('settings-sl-target').inputValue();
  await board.getByTestId('settings-sl-target').fill('150');
  await board.getByTestId('retention-notes').fill('5000');
  await board.getByTestId('settings-save').click();
  expect(await message('settings-sl-target')).toBe(ar.settingsRule.serviceLevelTarget!);
  expect(await message('retention-notes')).toBe(ar.settingsRule.daysMax!);
  await board.getByTestId('board-language').selectOption('en');
  expect(await message('settings-sl-target')).toBe('the service-level target is 1 to 100 %');
  await board.getByTestId('board-language').selectOption('ar');
  await board.getByTestId('retention-notes').fill('');
  await board.getByTestId('settings-sl-target').fill(target);
  expect(await message('settings-sl-target')).toBe('');

  // A reason named twice is the relay's to refuse: its problem line has the focus, not <body>.
  const reasons = await board.getByTestId('settings-reasons').inputValue();
  await board.getByTestId('settings-reasons').fill('غداء\nغداء');
  await board.getByTestId('settings-save').click();
  await expect(board.getByTestId('settings-problem')).toContainText(ar.settingsRule.reasonTwice!);
  await expect(board.getByTestId('settings-problem')).toBeFocused();
  expect(puts).toHaveLength(1);
  await board.getByTestId('settings-reasons').fill(reasons);
  await board.context().close();
});

test('a supervisor opening the settings page reads what is in force, told plainly that only an admin changes it, with every button off', async ({
  browser,
}) => {
  const address = `${relays[0]!.agentUrl.replace(/^ws/, 'http')}board`;
  const admin = await issueSupervisorToken('ada', AGENT_SECRET, { role: 'admin' });
  const inForce = (await (
    await fetch(`${address}/api/settings`, { headers: { Authorization: `Bearer ${admin}` } })
  ).json()) as { settings: { notReadyReasons: string[]; wrapUpCodes: string[] } };
  const page = await (await browser.newContext()).newPage();
  await page.goto(address);
  await page.getByTestId('board-token').fill(await issueSupervisorToken('sam', AGENT_SECRET));
  await page.getByTestId('board-sign-in-button').click();
  await expect(page.getByTestId('board-live')).toBeVisible();
  await page.goto(`${address}/settings.html`);
  await expect(page.getByTestId('settings-codes')).toHaveValue(inForce.settings.wrapUpCodes.join('\n'));
  await expect(page.getByTestId('settings-reasons')).toHaveValue(inForce.settings.notReadyReasons.join('\n'));
  await expect(page.getByTestId('settings-read-only')).toHaveText(
    'You are signed in as a supervisor: you can read the team settings and queues here; only an admin can change them.',
  );
  await expect(page.getByTestId('settings-problem')).toBeHidden();
  await page.getByTestId('board-language').selectOption('es');
  await expect(page.getByTestId('settings-read-only')).toHaveText(
    'Has iniciado sesión como supervisor: aquí puedes consultar los ajustes del equipo y las colas; solo un administrador puede cambiarlos.',
  );
  await page.getByTestId('board-language').selectOption('en');
  // Nothing on the page invites a change the relay would refuse: the text reads, the buttons are off.
  await expect(page.getByTestId('settings-save')).toBeDisabled();
  for (const box of ['settings-codes', 'settings-reasons', 'settings-sl-target', 'settings-queue-hours'])
    await expect(page.getByTestId(box)).not.toBeEditable();
  await expect(page.getByTestId('customer-export')).toBeDisabled();
  await expect(page.getByTestId('customer-erase')).toBeDisabled();
  // Enter in a box submits a form whose submit button is on: nothing is sent.
  const saves: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'PUT') saves.push(new URL(request.url()).pathname);
  });
  await page.getByTestId('settings-sl-target').press('Enter');
  await page.waitForTimeout(1000);
  expect(saves).toEqual([]);
  await expect(page.getByTestId('settings-problem')).toBeHidden();
  await expect(page.getByTestId('settings-read-only')).toBeVisible();
  await page.context().close();
});
