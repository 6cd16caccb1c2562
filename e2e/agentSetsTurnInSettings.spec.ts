import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { startTestCoturn } from '../src/relay/testCoturn';
import { LANGUAGES } from '../src/renderer/src/i18n';
import { hi } from '../src/renderer/src/i18n/hi';
import { flattenCatalog, untranslated } from './languageCheck';
import { mediaFigures, openPhone } from './phoneFixture';

declare global {
  interface Window {
    deskPeerConnections?: RTCPeerConnection[];
  }
}

/** Keeps every RTCPeerConnection the page makes, so the test can read the call's own getStats(). */
async function watchPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    window.deskPeerConnections = [];
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        window.deskPeerConnections!.push(this);
      }
    };
  });
}

interface SelectedPair {
  localType?: string;
  localUrl?: string;
  relayProtocol?: string;
  bytesSent: number;
  bytesReceived: number;
}

/** The ICE candidate pair the call's audio uses now: the transport's selected pair and its local candidate. */
function selectedPair(page: Page): Promise<SelectedPair | undefined> {
  return page.evaluate(async () => {
    const pc = window.deskPeerConnections?.at(-1);
    if (!pc) return undefined;
    const stats = [...(await pc.getStats()).values()] as Array<Record<string, unknown>>;
    const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
    if (!pair) return undefined;
    const local = stats.find((s) => s.id === pair.localCandidateId);
    return {
      localType: local?.candidateType as string | undefined,
      localUrl: local?.url as string | undefined,
      relayProtocol: local?.relayProtocol as string | undefined,
      bytesSent: Number(pair.bytesSent ?? 0),
      bytesReceived: Number(pair.bytesReceived ?? 0),
    };
  });
}

test('an agent behind a strict firewall sets a TURN server in Settings and the call’s audio goes through it', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const coturn = await startTestCoturn();
  await watchPeerConnections(page);
  // No TURN in the environment: the desk knows of coturn only from what the agent types in Settings.
  const phone = await openPhone(page);
  try {
    await page.getByTestId('tab-settings').click();
    // Its own card under its heading, with one save of its own, saying what it saves.
    const network = page.getByRole('region', { name: 'Network (TURN)' });
    await expect(network.getByRole('button')).toHaveCount(1);
    await expect(network.getByRole('button')).toHaveAccessibleName('Save network settings');
    await expect(network.getByRole('button')).toHaveAccessibleDescription(/used from the next call/);
    await expect(page.getByTestId('setting-turnSecret')).toHaveAttribute('placeholder', 'Not set');

    // A STUN address by mistake: refused, with the field and the address named, and tied to the field.
    await page.getByTestId('setting-turnUrls').fill(`stun:127.0.0.1:3478\n${coturn.urls.tcp}`);
    await page.getByTestId('setting-turnSecret').fill(coturn.secret);
    await page.getByTestId('setting-turnRelayOnly').check();
    await page.getByTestId('turn-save').click();
    await expect(page.getByTestId('error-turnUrls')).toHaveText(
      'TURN server addresses: stun:127.0.0.1:3478 is not a TURN address (turn:host:port or turns:host:port)',
    );
    await expect(page.getByLabel('TURN server addresses, one a line (turn: or turns:)')).toHaveAccessibleDescription(
      /stun:127\.0\.0\.1:3478 is not a TURN address/,
    );
    expect((await new AxeBuilder({ page }).include('[data-testid="turn-settings"]').analyze()).violations).toEqual([]);

    await page.getByTestId('setting-turnUrls').fill(coturn.urls.tcp);
    await page.getByTestId('turn-save').click();
    await expect(page.getByTestId('turn-saved')).toHaveText('Network settings saved: the next call uses them.');
    // The secret is not shown back: the field is empty and says one is set.
    await expect(page.getByTestId('setting-turnSecret')).toHaveValue('');
    await expect(page.getByTestId('setting-turnSecret')).toHaveAttribute(
      'placeholder',
      'Set: type a new one to replace it',
    );
    expect(await page.content()).not.toContain(coturn.secret);
    expect((await new AxeBuilder({ page }).include('[data-testid="turn-settings"]').analyze()).violations).toEqual([]);

    // The far end calls; the agent answers without restarting anything.
    await page.getByTestId('tab-phone').click();
    const call = await phone.sim.placeCall({ name: 'Firewalled Office' });
    await page.getByTestId('incoming-call').getByTestId('answer').click();
    await expect(page.getByTestId('in-call')).toBeVisible();
    await expect.poll(async () => (await mediaFigures(page)).energy, { timeout: 20_000 }).toBeGreaterThan(0.05);
    // The caller hears the agent.
    await expect.poll(() => call.farEnd.received.loudFrames, { timeout: 20_000 }).toBeGreaterThan(20);

    // The desk's selected pair is its relay candidate on coturn, over TCP, and carries audio both ways.
    await expect
      .poll(() => selectedPair(page), { timeout: 20_000 })
      .toMatchObject({ localType: 'relay', relayProtocol: 'tcp' });
    const pair = await selectedPair(page);
    expect(pair!.localUrl).toContain(coturn.urls.tcp.replace(/\?.*$/, ''));
    expect(pair!.bytesSent).toBeGreaterThan(1000);
    expect(pair!.bytesReceived).toBeGreaterThan(1000);
    // coturn relayed for the desk with credentials made from the saved secret (`<expiry>:desk`).
    expect(coturn.log()).toMatch(/user <\d+:desk>: incoming packet ALLOCATE processed, success/);
    // WhatsApp was offered relay candidates only.
    const accept = phone.sim.graph.requests.find(
      (r) => JSON.stringify(r.body ?? '').includes(call.callId) && JSON.stringify(r.body).includes('"accept"'),
    );
    const sdp = (accept?.body as { session: { sdp: string } }).session.sdp;
    const types = [...sdp.matchAll(/^a=candidate:.* typ (\w+)/gm)].map((m) => m[1]);
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['relay']));
  } finally {
    await phone.close();
    await coturn.stop();
  }
});

test('an IT person’s TURN environment variables win over Settings, which shows those fields as set by the environment', async ({
  page,
}) => {
  const phone = await openPhone(page, {
    env: {
      WA_TURN_URLS: 'turns:turn.example.com:443?transport=tcp',
      WA_TURN_SECRET: 'set-by-it-in-the-environment-0123',
      WA_ICE_TRANSPORT_POLICY: 'relay',
    },
  });
  try {
    await page.getByTestId('tab-settings').click();
    await expect(page.getByTestId('turn-settings')).toBeVisible();
    await expect(page.getByTestId('setting-turnUrls')).toHaveValue('turns:turn.example.com:443?transport=tcp');
    for (const field of ['turnUrls', 'turnSecret', 'turnLifetimeSeconds', 'turnRelayOnly'])
      await expect(page.getByTestId(`setting-${field}`)).toBeDisabled();
    await expect(page.getByTestId('setting-turnRelayOnly')).toBeChecked();
    await expect(page.getByTestId('setting-turnSecret')).toHaveAccessibleDescription(
      'Set by the environment (WA_TURN_SECRET): change it there.',
    );
    await expect(page.getByTestId('env-turnRelayOnly')).toHaveText(
      'Set by the environment (WA_ICE_TRANSPORT_POLICY): change it there.',
    );
    expect(await page.content()).not.toContain('set-by-it-in-the-environment');
    expect((await new AxeBuilder({ page }).include('[data-testid="turn-settings"]').analyze()).violations).toEqual([]);
    // In Hindi, the part reads no English from the catalogue.
    await page.getByTestId('settings-section-desk').click();
    await page.getByTestId('language').selectOption('hi');
    await page.getByTestId('settings-section-connection').click();
    await expect(page.getByTestId('env-turnUrls')).toHaveText(
      hi.turnSettings.setByEnvironment.replace('{{variable}}', 'WA_TURN_URLS'),
    );
    const english = flattenCatalog(LANGUAGES[0].catalog);
    expect(await untranslated(page, english, flattenCatalog(hi))).toEqual([]);
  } finally {
    await phone.close();
  }
});
