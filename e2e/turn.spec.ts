import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { freePort } from '../src/relay/freePort';
import { PAGE_HEARD } from '../src/relay/media/testAudioLevels';
import { mediaHostAddress, startTestJanus } from '../src/relay/media/testJanus';
import { startTestCoturn, type TestCoturn } from '../src/relay/testCoturn';
import { TeamQueues } from '../src/shared/teamQueues';
import { heardTone } from '../sim/farEnd';
import { heardTone as deskHears } from '../sim/pageVoice';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/lib/chromiumLaunch';
import { startTeam } from './teamDesks';
import { mediaFigures, openPhone } from './phoneFixture';

/** The caller speaks 440 Hz, Asha 300 Hz, Ben 700 Hz; heard means above PAGE_HEARD. */
const CALLER = 440;
const VOICES = { asha: 300, ben: 700 };
/** Asha's office lets no UDP out: her desk offers relay candidates only, so every packet goes through TURN. */
const RELAY_ONLY = { WA_ICE_TRANSPORT_POLICY: 'relay' };

/** Chromium checks a TURN server's TLS certificate as a web page's: it trusts the test coturn's own, nothing else. */
function chromiumTrusting(coturn: TestCoturn): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${coturn.certSpki}`],
  });
}

const turnFor = (coturn: TestCoturn, urls: string[]) => ({ urls, secret: coturn.secret, lifetimeSeconds: 3600 });

/** The SDP the desk gave WhatsApp (or Janus) in its accept: its candidates' types. */
function candidateTypes(sdp: string): string[] {
  return [...sdp.matchAll(/^a=candidate:.* typ (\w+)/gm)].map((m) => m[1]!);
}

/** coturn allocated a relay for this agent with the relay's credentials (`<expiry>:<agent>`). */
const allocatedFor = (coturn: TestCoturn, agentId: string) =>
  new RegExp(`user <\\d+:${agentId}>: incoming packet ALLOCATE processed, success`).test(coturn.log());

async function answer(page: Page): Promise<void> {
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
}

test('a desk whose office allows only TURN over TLS takes a direct call: caller and agent hear each other through coturn', async () => {
  const coturn = await startTestCoturn();
  const browser = await chromiumTrusting(coturn);
  const team = await startTeam(browser, {
    turn: turnFor(coturn, [coturn.urls.tls]),
    voices: VOICES,
    ashaEnv: RELAY_ONLY,
  });
  try {
    const call = await team.sim.placeCall({ name: 'Locked Office', farEnd: { toneHz: CALLER } });
    await expect(team.pageA.getByTestId('caller-name')).toHaveText('Locked Office');
    await answer(team.pageA);
    await expect.poll(() => deskHears(team.pageA, CALLER), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    await expect
      .poll(() => heardTone(call.farEnd.received, VOICES.asha), { timeout: 15_000 })
      .toBeGreaterThan(PAGE_HEARD);
    // WhatsApp was given relay candidates only, and coturn relayed for Asha with the relay's credentials.
    const accept = team.sim.graph.requests.find(
      (r) => JSON.stringify(r.body ?? '').includes(call.callId) && JSON.stringify(r.body).includes('"accept"'),
    );
    const types = candidateTypes((accept?.body as { session: { sdp: string } }).session.sdp);
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['relay']));
    expect(allocatedFor(coturn, 'asha')).toBe(true);
  } finally {
    await team.close();
    await browser.close();
    await coturn.stop();
  }
});

test('a desk allowed only TURN over TCP takes an anchored call: caller and agent hear each other through coturn and Janus', async () => {
  // Janus gathers no loopback candidates: coturn relays from the machine's own address, where Janus can answer.
  const coturn = await startTestCoturn({ relayIp: mediaHostAddress() });
  const janus = await startTestJanus();
  const browser = await chromiumTrusting(coturn);
  const queues = TeamQueues.parse({
    defaultQueue: 'support',
    repeatCallerMinutes: 0,
    queues: [{ id: 'support', name: 'Support', media: 'anchored', ringSeconds: 30, agents: { asha: 9, ben: 5 } }],
  });
  const team = await startTeam(browser, {
    queues,
    janusUrls: [janus.url],
    janusAccess: janus.access,
    turn: turnFor(coturn, [coturn.urls.tcp]),
    voices: VOICES,
    ashaEnv: RELAY_ONLY,
  });
  try {
    const call = await team.sim.placeCall({
      name: 'Anchored Office',
      farEnd: { toneHz: CALLER, edgeHost: mediaHostAddress() },
    });
    await expect(team.pageA.getByTestId('caller-name')).toHaveText('Anchored Office');
    await answer(team.pageA);
    await expect.poll(() => deskHears(team.pageA, CALLER), { timeout: 15_000 }).toBeGreaterThan(PAGE_HEARD);
    await expect
      .poll(() => heardTone(call.farEnd.received, VOICES.asha), { timeout: 15_000 })
      .toBeGreaterThan(PAGE_HEARD);
    expect(allocatedFor(coturn, 'asha')).toBe(true);
  } finally {
    await team.close();
    await browser.close();
    await janus.stop();
    await coturn.stop();
  }
});

test('with the TURN relay unreachable, the agent reads that the network blocks the call’s audio and where TURN is', async ({
  browser,
}) => {
  // Nothing listens there: the office's firewall as the desk meets it.
  const port = await freePort();
  const urls = [
    `turn:127.0.0.1:${port}?transport=udp`,
    `turn:127.0.0.1:${port}?transport=tcp`,
    `turns:127.0.0.1:${port}`,
  ];
  const team = await startTeam(browser, {
    turn: { urls, secret: 'a-secret-nobody-checks-0123', lifetimeSeconds: 3600 },
    voices: VOICES,
    ashaEnv: { ...RELAY_ONLY, WA_MEDIA_TIMEOUT_MS: '4000' },
  });
  try {
    await team.sim.placeCall({ name: 'Blocked Office', farEnd: { toneHz: CALLER } });
    await expect(team.pageA.getByTestId('caller-name')).toHaveText('Blocked Office');
    await team.pageA.getByTestId('answer').click();
    await expect(team.pageA.getByTestId('end-message')).toHaveText(
      `No audio: this network blocks the call’s direct path (UDP) and also the team’s TURN relay at ${urls.join(', ')}. ` +
        'Ask your IT team to let this computer reach the TURN relay (TURN over TLS on port 443 passes most firewalls).',
      { timeout: 20_000 },
    );
  } finally {
    await team.close();
  }
});

test('a desk on its own makes its own time-limited TURN credentials: relay candidates only, a call heard both ways', async ({
  page,
}) => {
  const coturn = await startTestCoturn();
  const phone = await openPhone(page, {
    env: { WA_TURN_URLS: coturn.urls.tcp, WA_TURN_SECRET: coturn.secret, ...RELAY_ONLY },
  });
  try {
    const call = await phone.sim.placeCall({ name: 'Own TURN' });
    await page.getByTestId('incoming-call').getByTestId('answer').click();
    await expect(page.getByTestId('in-call')).toBeVisible();
    await expect.poll(async () => (await mediaFigures(page)).energy, { timeout: 15_000 }).toBeGreaterThan(0.05);
    await expect.poll(() => call.farEnd.received.loudFrames, { timeout: 15_000 }).toBeGreaterThan(20);
    const accept = phone.sim.graph.requests.find(
      (r) => JSON.stringify(r.body ?? '').includes(call.callId) && JSON.stringify(r.body).includes('"accept"'),
    );
    const types = candidateTypes((accept?.body as { session: { sdp: string } }).session.sdp);
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['relay']));
    expect(allocatedFor(coturn, 'desk')).toBe(true);
  } finally {
    await phone.close();
    await coturn.stop();
  }
});
