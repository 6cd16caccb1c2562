import { floodAsOtherUser } from '../src/main/testOtherUser';
import { expect, test } from './phoneFixture';

test('the agent answers a call while another local user floods the phone’s port', async ({ phone }) => {
  const { page, sim } = phone;
  const flood = await floodAsOtherUser(Number(new URL(phone.host.baseUrl).port), 70, 30);
  try {
    // Longer than the host keeps an idle connection open: the page must open new ones during the flood.
    await page.waitForTimeout(6000);
    const call = await sim.placeCall({ from: '917358580180', name: 'Asha Rao' });
    const card = page.getByTestId('incoming-call');
    await expect(card.getByTestId('answer')).toBeEnabled();
    await card.getByTestId('answer').click();
    await expect(page.getByTestId('in-call')).toBeVisible();
    await expect.poll(() => sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
  } finally {
    flood.stop();
  }
});
