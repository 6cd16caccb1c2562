import { expect, mediaFigures, test } from './phoneFixture';

test('a second tab is refused with a clear message and cannot break the call in the first; it takes over once the first closes', async ({
  phone,
  context,
}) => {
  const { page, sim } = phone;
  const call = await sim.placeCall({ name: 'One Window Customer' });
  await page.getByTestId('answer').click();
  await expect.poll(async () => (await mediaFigures(page)).connection, { timeout: 10_000 }).toBe('connected');

  const second = await context.newPage();
  await second.goto(phone.host.url);
  await expect(second.getByTestId('other-window')).toContainText('already open in another window');
  await expect(second.getByTestId('answer')).toHaveCount(0);
  // The call in the first window keeps its audio both ways.
  const before = call.farEnd.received.loudFrames;
  await expect.poll(() => call.farEnd.received.loudFrames, { timeout: 5000 }).toBeGreaterThan(before + 20);
  await expect(page.getByTestId('call-phase')).toHaveText('On call');

  await page.getByTestId('hangup').click();
  await page.close();
  await expect(second.getByTestId('other-window')).toHaveCount(0, { timeout: 5000 });
  // The window taking over picks up where the first left off: the ended call's wrap-up.
  await expect(second.getByTestId('wrap-up')).toContainText('One Window Customer');
  await sim.placeCall({ name: 'Next Customer' });
  await expect(second.getByTestId('caller-name')).toHaveText('Next Customer');
});

test('a second tab on a desk set to Português says the phone is open elsewhere in Português, title included', async ({
  phone,
  context,
}) => {
  const { page } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('language').selectOption('pt-BR');
  await expect(page.locator('html')).toHaveAttribute('lang', 'pt-BR');

  const second = await context.newPage();
  await second.goto(phone.host.url);
  // Before: English, as the waiting page never reads the agent's settings.
  await expect(second.getByTestId('other-window')).toHaveText(
    'O telefone já está aberto em outra janela ou aba. Use aquela: as chamadas tocam e são atendidas lá. Esta janela assume sozinha quando a outra for fechada.',
  );
  await expect(second).toHaveTitle('Telefone do WhatsApp Business');
});
