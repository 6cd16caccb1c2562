import AxeBuilder from '@axe-core/playwright';
import { test, expect } from '@playwright/test';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { startRelay, type Relay } from '../src/relay/relayServer';
import { startTestPostgres, type TestPostgres } from '../src/relay/testPostgres';
import { startTestRedis, type TestRedis } from '../src/relay/testRedis';
import { TeamQueues } from '../src/shared/teamQueues';
import { createMemoryLogger } from '../src/whatsapp/logger';
import { startWhatsAppSim, type WhatsAppSim } from '../sim/whatsappSim';
import { SIM_SECRETS } from '../sim/phoneWithSim';
import { AGENT_SECRET, openDesk } from './teamDesks';

// The queues file: Support is Asha's alone; Ben serves no queue until the admin adds him on the board.
const QUEUES = {
  defaultQueue: 'support',
  queues: [{ id: 'support', name: 'Support', routing: 'ring_all', agents: { asha: 1 } }],
};

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
        prefix: 'queue-member',
        databaseUrl: postgres.url,
        // Each instance its own copy, as two processes read the file.
        queues: TeamQueues.parse(QUEUES),
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

test('an admin adds an agent to a queue on the board’s settings page; a wrong level is named in the admin’s language, and the new member’s desk on another relay instance rings for the next call, without a restart', async ({
  browser,
}) => {
  const deskPage = await (await browser.newContext()).newPage();
  const desk = await openDesk(deskPage, 'ben', [relays[1]!.agentUrl]);
  // Ben serves no queue yet: his desk says so, and who can change it, not that it is ready for calls.
  await expect(deskPage.getByTestId('not-ready')).toHaveText(
    'You are in no queue: no call can ring for you. Ask your supervisor to add you to a queue.',
  );

  const board = await (await browser.newContext()).newPage();
  await board.goto(`${relays[0]!.agentUrl.replace(/^ws/, 'http')}board`);
  await board.getByTestId('board-token').fill(await issueSupervisorToken('ada', AGENT_SECRET, { role: 'admin' }));
  await board.getByTestId('board-sign-in-button').click();
  await board.getByTestId('board-settings').click();
  const support = board.getByTestId('queue-support');
  await expect(support.getByTestId('queue-name')).toHaveValue('Support');
  await expect(support.getByTestId('member-agent')).toHaveCount(1);
  await expect(support.getByTestId('member-agent')).toHaveValue('asha');
  // The default queue takes every call nothing else sends elsewhere: it cannot be removed.
  await expect(support.getByTestId('queue-remove')).toBeDisabled();

  await support.getByTestId('member-add').click();
  await support.getByTestId('member-agent').last().fill('ben');
  await support.getByTestId('member-level').last().fill('11');
  await board.getByTestId('board-language').selectOption('es');
  await board.getByTestId('queues-save').click();
  await expect(board.getByTestId('queues-problem')).toHaveText('Support, Nivel de ben: debe ser como mucho 10');
  await board.getByTestId('board-language').selectOption('en');
  await expect(board.getByTestId('queues-problem')).toHaveText('Support, Level of ben: must be at most 10');
  // A level with a fraction is named with its rule in the admin's words, not as the schema's "Invalid input".
  await support.getByTestId('member-level').last().fill('5.5');
  await board.getByTestId('queues-save').click();
  await expect(board.getByTestId('queues-problem')).toHaveText(
    'Support, Level of ben: a level is a whole number from 1 to 10',
  );
  await board.getByTestId('board-language').selectOption('es');
  await expect(board.getByTestId('queues-problem')).toHaveText(
    'Support, Nivel de ben: un nivel es un número entero de 1 a 10',
  );
  await board.getByTestId('board-language').selectOption('en');
  // An empty level, or letters the number box cannot read, is named with the same rule, not as "is not valid".
  const level = support.getByTestId('member-level').last();
  const named = 'Support, Level of ben: a level is a whole number from 1 to 10';
  for (const typed of ['', 'e']) {
    await level.fill('0');
    await board.getByTestId('queues-save').click();
    await expect(board.getByTestId('queues-problem')).toHaveText('Support, Level of ben: must be at least 1');
    await level.fill('');
    await level.pressSequentially(typed);
    await board.getByTestId('queues-save').click();
    await expect(board.getByTestId('queues-problem')).toHaveText(named);
  }
  await board.getByTestId('board-language').selectOption('es');
  await expect(board.getByTestId('queues-problem')).toHaveText(
    'Support, Nivel de ben: un nivel es un número entero de 1 a 10',
  );
  await board.getByTestId('board-language').selectOption('en');
  // The queues form, with its problem shown, is usable by assistive technology (every control labelled).
  const axe = await new AxeBuilder({ page: board }).include('[data-testid="queues-editor"]').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  await support.getByTestId('member-level').last().fill('2');
  // A member whose name is cleared is named, not silently removed by the save.
  await support.getByTestId('member-agent').first().fill('');
  await board.getByTestId('queues-save').click();
  await expect(board.getByTestId('queues-problem')).toHaveText('Support, member 1: name the agent, or remove the row.');
  await board.getByTestId('board-language').selectOption('es');
  await expect(board.getByTestId('queues-problem')).toHaveText('Support, miembro 1: indica el agente o quita la fila.');
  await board.getByTestId('board-language').selectOption('en');
  await support.getByTestId('member-agent').first().fill('asha');
  // An id no agent can sign in with is named by the agents' own rule, in the admin's language; markup stays text.
  await support.getByTestId('member-agent').last().fill('Ben Smith');
  await board.getByTestId('queues-save').click();
  await expect(board.getByTestId('queues-problem')).toHaveText(
    'Support, Member Ben Smith: an agent id is 1 to 64 letters A-Z or a-z, digits, - or _, without spaces',
  );
  await board.getByTestId('board-language').selectOption('es');
  await expect(board.getByTestId('queues-problem')).toHaveText(
    'Support, Miembro Ben Smith: un id de agente tiene de 1 a 64 letras A-Z o a-z, dígitos, - o _, sin espacios',
  );
  await board.getByTestId('board-language').selectOption('en');
  await support.getByTestId('member-agent').last().fill('<b>x</b>');
  await board.getByTestId('queues-save').click();
  await expect(board.getByTestId('queues-problem')).toHaveText(
    'Support, Member <b>x</b>: an agent id is 1 to 64 letters A-Z or a-z, digits, - or _, without spaces',
  );
  await support.getByTestId('member-agent').last().fill('ben');
  // A queue left with nobody in it and no fallback is refused by the relay, named in the admin's language: its calls
  // would wait beside free agents.
  while ((await support.getByTestId('member-remove').count()) > 0)
    await support.getByTestId('member-remove').first().click();
  await board.getByTestId('queues-save').click();
  await expect(board.getByTestId('queues-problem')).toHaveText(
    'Support, Members: name at least one member, tick every agent, or choose a fallback queue',
  );
  await board.getByTestId('board-language').selectOption('es');
  await expect(board.getByTestId('queues-problem')).toHaveText(
    'Support, Miembros: nombra al menos un miembro, marca todos los agentes o elige una cola de respaldo',
  );
  await board.getByTestId('board-language').selectOption('en');
  for (const [agent, level] of [
    ['asha', '1'],
    ['ben', '2'],
  ]) {
    await support.getByTestId('member-add').click();
    await support.getByTestId('member-agent').last().fill(agent!);
    await support.getByTestId('member-level').last().fill(level!);
  }
  // A double-click sends one save: the second click does not race the first into a false "changed since".
  const saves: string[] = [];
  board.on('request', (request) => {
    if (request.method() === 'PUT') saves.push(new URL(request.url()).pathname);
  });
  await board.getByTestId('queues-save').dblclick();
  await expect(board.getByTestId('queues-saved')).toHaveText(
    'Queues saved as version 1: every relay instance routes by them within seconds.',
  );
  // In Support now: his desk on the other instance is ready again, without a restart.
  await expect(deskPage.getByTestId('ready')).toHaveText('Ready for calls from the team relay', { timeout: 10_000 });
  await board.waitForTimeout(1000);
  expect(saves).toEqual(['/board/api/queues']);
  await expect(board.getByTestId('queues-problem')).toBeHidden();
  // Saved again with nothing changed: no version 2, and the page says so.
  await board.getByTestId('queues-save').click();
  await expect(board.getByTestId('queues-saved')).toHaveText(
    'The queues have not changed since version 1: no new version was saved.',
  );

  // The next call, delivered to the instance Ben's desk is not on, rings Ben (his instance polls within 2 s).
  sim.setWebhookUrl(relays[0]!.webhookUrl);
  const savedAt = Date.now();
  await sim.placeCall({ from: '447700900741', name: 'Queue Caller' });
  await expect(deskPage.getByTestId('answer')).toBeVisible({ timeout: 15_000 });
  expect(Date.now() - savedAt).toBeLessThan(15_000);
  await deskPage.getByTestId('answer').click();
  await expect(deskPage.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await deskPage.getByTestId('hangup').click();

  // The page opened again shows the version in force: Ben at level 2 beside Asha.
  await board.reload();
  const members = board.getByTestId('queue-support').getByTestId('queue-member');
  await expect(members).toHaveCount(2);
  // The most skilled first.
  await expect(members.nth(0).getByTestId('member-agent')).toHaveValue('ben');
  await expect(members.nth(0).getByTestId('member-level')).toHaveValue('2');
  await expect(members.nth(1).getByTestId('member-agent')).toHaveValue('asha');
  await desk.close();
  await deskPage.context().close();
  await board.context().close();
});

test('a supervisor reads the queues in force on the settings page, with nothing to change them by', async ({
  browser,
}) => {
  const address = `${relays[0]!.agentUrl.replace(/^ws/, 'http')}board`;
  const page = await (await browser.newContext()).newPage();
  await page.goto(address);
  await page.getByTestId('board-token').fill(await issueSupervisorToken('sam', AGENT_SECRET));
  await page.getByTestId('board-sign-in-button').click();
  await expect(page.getByTestId('board-live')).toBeVisible();
  await page.goto(`${address}/settings.html`);
  const support = page.getByTestId('queue-support');
  await expect(support.getByTestId('queue-name')).toHaveValue('Support');
  await expect(support.getByTestId('member-agent').first()).toHaveValue(/\w/);
  await expect(page.getByTestId('settings-read-only')).toBeVisible();
  for (const button of ['queues-save', 'queue-add']) await expect(page.getByTestId(button)).toBeDisabled();
  for (const button of ['member-add', 'member-remove', 'queue-remove'])
    for (const each of await support.getByTestId(button).all()) await expect(each).toBeDisabled();
  for (const box of ['queue-name', 'queue-ring-seconds', 'member-agent', 'member-level'])
    for (const each of await support.getByTestId(box).all()) await expect(each).not.toBeEditable();
  for (const choice of ['queue-routing', 'queue-everyone', 'queue-call-waiting'])
    await expect(support.getByTestId(choice)).toBeDisabled();
  // Still so after the page words itself again in another language (the queues are drawn anew).
  await page.getByTestId('board-language').selectOption('es');
  await expect(page.getByTestId('queues-save')).toBeDisabled();
  await expect(support.getByTestId('member-add')).toBeDisabled();
  await expect(support.getByTestId('queue-name')).not.toBeEditable();
  await page.context().close();
});
