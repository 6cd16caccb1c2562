import { expect, test, type Locator } from '@playwright/test';
import { mediaHostAddress, startTestJanus } from '../src/relay/media/testJanus';
import { TeamQueues } from '../src/shared/teamQueues';
import { startTeam } from './teamDesks';

/** The horizontal gap between two buttons, whichever way the page reads. */
async function gapBetween(a: Locator, b: Locator): Promise<number> {
  const [boxA, boxB] = [(await a.boundingBox())!, (await b.boundingBox())!];
  const [left, right] = boxA.x < boxB.x ? [boxA, boxB] : [boxB, boxA];
  return right.x - (left.x + left.width);
}

test('Transfer, Consult first and Add colleague stand apart; the colleague picker says what it will do and Cancel closes it with nothing sent', async ({
  browser,
}) => {
  const janus = await startTestJanus();
  const queues = TeamQueues.parse({
    defaultQueue: 'support',
    repeatCallerMinutes: 0,
    queues: [{ id: 'support', name: 'Support', media: 'anchored', ringSeconds: 30, agents: { asha: 9, ben: 5 } }],
  });
  const { sim, pageA, pageB, close } = await startTeam(browser, {
    queues,
    janusUrls: [janus.url],
    janusAccess: janus.access,
  });
  try {
    const call = await sim.placeCall({ name: 'Picker Caller', farEnd: { edgeHost: mediaHostAddress() } });
    await pageA.getByTestId('answer').click();
    await expect(pageA.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });

    const [transfer, consult, add] = ['transfer', 'consult', 'add-colleague'].map((id) => pageA.getByTestId(id));
    await expect(add!).toBeVisible();
    expect(await gapBetween(transfer!, consult!)).toBeGreaterThanOrEqual(12);
    expect(await gapBetween(consult!, add!)).toBeGreaterThanOrEqual(12);

    const picker = pageA.getByTestId('colleague-picker');
    for (const [button, title] of [
      [transfer!, 'Transfer the call to'],
      [consult!, 'Consult a colleague first'],
      [add!, 'Add a colleague to the call'],
    ] as const) {
      await button.click();
      await expect(picker.locator('legend')).toHaveText(title);
      await expect(pageA.getByTestId('transfer-to')).toHaveValue('ben');
      await pageA.getByTestId('transfer-cancel').click();
      await expect(picker).toHaveCount(0);
      await expect(button).toBeVisible();
    }
    // Nothing was offered to Ben, and the call is still Asha's.
    await expect(pageB.getByTestId('caller-name')).toHaveCount(0);
    await expect(pageA.getByTestId('call-phase')).toHaveText('On call');
    await sim.hangUp(call.callId);
  } finally {
    await close();
    await janus.stop();
  }
});
