import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import { prepareDesk, type PreparedDesk } from '../src/main/deskStartup';
import { fileStem } from '../src/main/callMedia';
import { hostRenderer } from '../src/main/rendererHost';
import { plainCipher } from '../src/main/settingsStore';
import { issueAgentToken, issueSupervisorToken } from '../src/relay/agentTokens';
import { startRelay, type Relay } from '../src/relay/relayServer';
import { startTestPostgres, type TestPostgres } from '../src/relay/testPostgres';
import { startTestRedis, type TestRedis } from '../src/relay/testRedis';
import type { RecordEvent } from '../src/shared/callRecords';
import { createMemoryLogger } from '../src/whatsapp/logger';
import { SIM_SECRETS } from '../sim/phoneWithSim';
import { startWhatsAppSim, type WhatsAppSim } from '../sim/whatsappSim';
import { AGENT_SECRET } from './teamDesks';

const DAY = 24 * 3600_000;
const ANA = '447700900731';
const BEN = '447700900732';
const CARL = '447700900733';
let redis: TestRedis;
let postgres: TestPostgres;
let sim: WhatsAppSim;
let relays: Relay[];
let recordings: string;

async function sql<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client(postgres.url);
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A call the team answered and recorded: its record, notes and rating in PostgreSQL, its room recording on disk. */
function teamCall(callId: string, customer: string, daysAgo: number): RecordEvent[] {
  const at = Date.now() - daysAgo * DAY;
  writeFileSync(join(recordings, `${callId}.wav`), `RIFF ${customer}`);
  return [
    { kind: 'offered', callId, customer, phoneNumberId: SIM_SECRETS.phoneNumberId, atMs: at },
    { kind: 'answered', callId, agentId: 'asha', atMs: at + 2000 },
    { kind: 'ended', callId, customer, status: 'COMPLETED', atMs: at + 60_000 },
    { kind: 'wrap_up', callId, agentId: 'asha', outcome: 'Resolved', notes: `called about ${customer}`, atMs: at + 1 },
    { kind: 'room_recording', callId, file: `${callId}.wav`, atMs: at + 2100 },
    { kind: 'csat', callId, agentId: 'asha', score: 5, atMs: at + 90_000 },
  ];
}

/** Asha's desk as she left it: her own history of calls with three customers, and WhatsApp's recording of one. */
function ashasDeskBeforeSignIn(): PreparedDesk {
  const desk = prepareDesk({
    dataDir: mkdtempSync(join(tmpdir(), 'desk-asha-')),
    cipher: plainCipher,
    logger: createMemoryLogger(),
    env: { WA_GRAPH_BASE_URL: 'http://127.0.0.1:9', WA_WEBHOOK_PORT: '0' },
  });
  const { history, mediaFolder } = desk.storage;
  for (const [callId, number, daysAgo] of [
    ['desk-ana', ANA, 2],
    ['desk-ben', BEN, 2],
    ['desk-carl', CARL, 400],
  ] as const) {
    const at = Date.now() - daysAgo * DAY;
    history.record({
      callId,
      direction: 'inbound',
      number,
      offeredAtMs: at,
      answeredAtMs: at + 1000,
      endedAtMs: at + 60_000,
      endReason: 'remote_hangup',
    });
    history.recordWrapUp(callId, 'Resolved', `notes on ${number}`);
  }
  mkdirSync(mediaFolder, { recursive: true });
  writeFileSync(join(mediaFolder, `${fileStem('desk-ana')}-recording.ogg`), 'voice');
  history.media.setRecording('desk-ana', `${fileStem('desk-ana')}-recording.ogg`, 'audio/ogg');
  return desk;
}

/** Signs in on the live board, then opens the settings page (admins by its link; others only by its address). */
async function signInToBoard(page: Page, token: string): Promise<void> {
  const board = `${relays[0]!.agentUrl.replace(/^ws/, 'http')}board`;
  await page.goto(board);
  await page.getByTestId('board-token').fill(token);
  await page.getByTestId('board-sign-in-button').click();
  await expect(page.getByTestId('board-live')).toBeVisible();
  await page.goto(`${board}/settings.html`);
}

test.beforeAll(async () => {
  [redis, postgres, sim] = await Promise.all([
    startTestRedis(),
    startTestPostgres(),
    startWhatsAppSim({ ...SIM_SECRETS }),
  ]);
  recordings = mkdtempSync(join(tmpdir(), 'room-recordings-'));
  relays = await Promise.all(
    [0, 1].map(() =>
      startRelay({
        ...SIM_SECRETS,
        agentSecret: AGENT_SECRET,
        redisUrl: redis.url,
        graphBaseUrl: sim.graphBaseUrl,
        logger: createMemoryLogger(),
        prefix: 'erasure',
        databaseUrl: postgres.url,
        janusRecordingDir: recordings,
        janusConsentNotice: '/opt/janus/consent.opus',
        retentionSweepMs: 2000,
      }),
    ),
  );
  const end = Date.now() + 15_000;
  while ((await sql<{ t: string | null }>("SELECT to_regclass('customer_erasures')::text AS t"))[0]?.t === null) {
    if (Date.now() > end) throw new Error('the call records schema never appeared');
    await new Promise((r) => setTimeout(r, 50));
  }
  await relays[0]!.records!.db.write([
    ...teamCall('ana-1', ANA, 3),
    ...teamCall('ben-1', BEN, 3),
    ...teamCall('carl-1', CARL, 400),
  ]);
});
test.afterAll(async () => {
  for (const relay of relays ?? []) await relay.close();
  await sim?.close();
  await redis?.stop();
  await postgres?.stop();
});

test('a supervisor cannot export or erase a customer’s data from the settings page', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  const token = await issueSupervisorToken('sam', AGENT_SECRET);
  await signInToBoard(page, token);
  // The page is read-only for a supervisor: the customer box takes no typing, Export and Erase are off.
  await expect(page.getByTestId('customer-key')).toHaveJSProperty('readOnly', true);
  await expect(page.getByTestId('customer-export')).toBeDisabled();
  await expect(page.getByTestId('customer-erase')).toBeDisabled();
  // The relay refuses a supervisor's request all the same: nothing is exported or erased.
  const api = `${relays[0]!.agentUrl.replace(/^ws/, 'http')}board/api/customer-data`;
  for (const action of ['export', 'erase'])
    expect(
      (
        await page.request.post(api, { headers: { Authorization: `Bearer ${token}` }, data: { customer: ANA, action } })
      ).status(),
    ).toBe(403);
  expect(await sql('SELECT call_id FROM calls WHERE customer = $1', [ANA])).toEqual([{ call_id: 'ana-1' }]);
  // A sign-in that has ended (a token expired or revoked) is told so, not that it is no admin's.
  await page.evaluate(() => sessionStorage.setItem('board-token', 'expired.board.token'));
  await page.reload();
  const ended = 'Your sign-in has ended (the token expired or was revoked): sign in again on the live board.';
  await expect(page.getByTestId('settings-problem')).toHaveText(ended);
  await page.context().close();
});

test('an admin keeps call records a year, exports a customer’s data and erases it; a desk signing in afterwards forgets that customer and the expired calls', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const desk = ashasDeskBeforeSignIn();
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await signInToBoard(page, await issueSupervisorToken('ada', AGENT_SECRET, { role: 'admin' }));

  // Retention: call records a year, notes a month; the other kinds are kept until erased.
  await page.getByTestId('settings-reasons').fill('break');
  await page.getByTestId('settings-codes').fill('Resolved');
  await page.getByTestId('retention-call-records').fill('365');
  await page.getByTestId('retention-notes').fill('30');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-saved')).toHaveText(/^Saved as version 1/);
  // The day's sweep takes Carl's year-old call, its recording with it, and says so in the audit trail.
  await expect
    .poll(() => sql("SELECT detail FROM audit_log WHERE action = 'retention_sweep'"), { timeout: 15_000 })
    .toEqual([{ detail: 'call records: 1, notes: 0, room recordings: 1, survey answers: 0' }]);
  expect(await sql('SELECT 1 FROM calls WHERE customer = $1', [CARL])).toEqual([]);
  expect(existsSync(join(recordings, 'carl-1.wav'))).toBe(false);

  // Export: one archive with the record and the recording (the number typed in Arabic-Indic digits, as an Arabic
  // keyboard gives them, is the same customer).
  await page.getByTestId('customer-key').fill('+٤٤ ٧٧٠٠ ٩٠٠٧٣١');
  const downloading = page.waitForEvent('download');
  await page.getByTestId('customer-export').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`customer-${ANA}.tar.gz`);
  const archive = join(mkdtempSync(join(tmpdir(), 'export-')), 'customer.tar.gz');
  await download.saveAs(archive);
  expect(execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).trim().split('\n').sort()).toEqual([
    'customer.json',
    'recordings/ana-1.wav',
  ]);
  await expect(page.getByTestId('customer-result')).toHaveText(
    'Exported for +44 7700 900731: calls: 1, notes: 1, recordings: 1, transcripts: 0, survey answers: 1. The archive is in your downloads.',
  );

  // Erase, after saying once more what goes; Cancel keeps everything.
  await page.getByTestId('customer-erase').click();
  await expect(page.getByTestId('customer-confirm')).toContainText(
    'Erase everything the team keeps about +44 7700 900731',
  );
  await page.getByTestId('customer-erase-cancel').click();
  expect(await sql('SELECT 1 FROM calls WHERE customer = $1', [ANA])).toHaveLength(1);
  await page.getByTestId('customer-erase').click();
  await page.getByTestId('customer-erase-confirm').click();
  await expect(page.getByTestId('customer-result')).toHaveText(
    'Erased for +44 7700 900731: calls: 1, notes: 1, recordings: 1, transcripts: 0, survey answers: 1. Desks forget their calls with this customer when they next connect.',
  );
  expect(await sql('SELECT 1 FROM calls WHERE customer = $1', [ANA])).toEqual([]);
  expect(existsSync(join(recordings, 'ana-1.wav'))).toBe(false);
  expect(await sql('SELECT 1 FROM calls WHERE customer = $1', [BEN])).toHaveLength(1);

  // A number the team has nothing about is said as such; a word that is no number is refused on the page.
  await page.getByTestId('customer-key').fill('447700900000');
  await page.getByTestId('customer-erase').click();
  await page.getByTestId('customer-erase-confirm').click();
  await expect(page.getByTestId('customer-result')).toHaveText(
    'The team keeps nothing about 447700900000. Desks will still forget any calls of theirs with this customer when they next connect.',
  );
  await page.getByTestId('customer-key').fill('ana');
  await page.getByTestId('customer-export').click();
  await expect(page.getByTestId('customer-result')).toHaveText(
    'Type a phone number with its country code, or a business-scoped user ID like US.1234.',
  );
  // The admin reads the same in Spanish.
  await page.getByTestId('board-language').selectOption('es');
  await expect(page.getByTestId('customer-result')).toHaveText(
    'Escribe un número de teléfono con su código de país, o un ID de usuario de la empresa como US.1234.',
  );
  await expect(page.getByTestId('customer-erase')).toHaveText('Borrar');
  await expect(page.getByTestId('customer-export')).toHaveText('Exportar');

  expect(
    await sql<{ action: string; actor: string }>(
      "SELECT action, actor FROM audit_log WHERE action IN ('export_customer', 'erase_customer') ORDER BY id",
    ),
  ).toEqual([
    { action: 'export_customer', actor: 'ada' },
    { action: 'erase_customer', actor: 'ada' },
    { action: 'erase_customer', actor: 'ada' },
  ]);

  // Asha's desk signs in (on the other instance) after all this: Ana's call and Carl's expired one leave its history.
  const host = await hostRenderer({ desk });
  const deskPage = await (await browser.newContext()).newPage();
  try {
    await deskPage.goto(host.url);
    await deskPage.getByTestId('mode-relay').check();
    await deskPage.getByTestId('setting-relayUrls').fill(relays[1]!.agentUrl);
    await deskPage.getByTestId('setting-agentToken').fill(await issueAgentToken('asha', AGENT_SECRET));
    await deskPage.getByTestId('settings-save').click();
    await expect(deskPage.getByTestId('ready')).toContainText('Ready for calls from the team relay');
    await deskPage.getByTestId('tab-history').click();
    await expect(deskPage.getByTestId('history-row')).toHaveCount(1);
    await expect(deskPage.getByTestId('history-customer')).toContainText('732');
    expect(desk.storage.history.find('desk-ana')).toBeUndefined();
    expect(desk.storage.history.find('desk-carl')).toBeUndefined();
    expect(desk.storage.history.find('desk-ben')?.notes).toBe(`notes on ${BEN}`);
    expect(existsSync(join(desk.storage.mediaFolder, `${fileStem('desk-ana')}-recording.ogg`))).toBe(false);
  } finally {
    await deskPage.context().close();
    await host.close();
    await page.context().close();
  }
});
