import { expect, test } from './phoneFixture';

test('the operator edits opening hours and holidays; what WhatsApp would refuse is said before anything is sent, and past holidays are dropped', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const yesterday = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
  sim.graph.setCallingSettings({
    calling: {
      status: 'ENABLED',
      call_icon_visibility: 'DEFAULT',
      callback_permission_status: 'ENABLED',
      call_hours: {
        status: 'ENABLED',
        timezone_id: 'UTC',
        weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '0900', close_time: '1300' }],
        holiday_schedule: [{ date: yesterday, start_time: '0000', end_time: '2359' }],
      },
    },
  });
  await page.getByTestId('tab-settings').click();
  await expect(page.getByTestId('opening-period')).toHaveCount(1);
  await page.getByTestId('period-add').click();
  await page.getByTestId('period-open-1').fill('12:00');
  await page.getByTestId('period-close-1').fill('18:00');
  const updatesBefore = sim.graph.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/settings')).length;
  await page.getByTestId('calling-save').click();
  await expect(page.getByTestId('calling-problems')).toHaveText('Monday: opening periods overlap.');
  expect(sim.graph.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/settings'))).toHaveLength(
    updatesBefore,
  );

  await page.getByTestId('period-open-1').fill('14:00');
  await page.getByTestId('holiday-add').click();
  await page.getByTestId('holiday-date-1').fill('2099-12-31');
  await page.getByTestId('calling-save').click();
  await expect(page.getByTestId('calling-saved')).toBeVisible();
  await expect(page.getByTestId('calling-problems')).toHaveCount(0);
  const hours = (sim.graph.callingSettings as { calling: { call_hours: unknown } }).calling.call_hours;
  expect(hours).toEqual({
    status: 'ENABLED',
    timezone_id: 'UTC',
    weekly_operating_hours: [
      { day_of_week: 'MONDAY', open_time: '0900', close_time: '1300' },
      { day_of_week: 'MONDAY', open_time: '1400', close_time: '1800' },
    ],
    holiday_schedule: [{ date: '2099-12-31', start_time: '0000', end_time: '2359' }],
  });
  // The panel shows what WhatsApp now holds.
  await expect(page.getByTestId('opening-period')).toHaveCount(2);
  await expect(page.getByTestId('holiday')).toHaveCount(1);
});

test('the operator adds G.711 beside Opus and limits the call button to two countries; a wrong code is named first', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('calling-g711').check();
  await page.getByTestId('calling-countries').fill('US, Brazil');
  await page.getByTestId('calling-save').click();
  await expect(page.getByTestId('calling-problems')).toHaveText(
    'Countries: BRAZIL is not a two-letter code such as US or BR.',
  );
  await page.getByTestId('calling-countries').fill('us br');
  await page.getByTestId('calling-save').click();
  await expect(page.getByTestId('calling-saved')).toBeVisible();
  const calling = (sim.graph.callingSettings as { calling: Record<string, unknown> }).calling;
  expect(calling.audio).toEqual({ additional_codecs: ['PCMA', 'PCMU'] });
  expect(calling.call_icons).toEqual({ restrict_to_user_countries: ['US', 'BR'] });
  await expect(page.getByTestId('calling-findings')).toContainText(
    'The call button shows only to customers in US, BR.',
  );
  await expect(page.getByTestId('calling-countries')).toHaveValue('US, BR');
});

test('a Spanish-speaking operator reads what WhatsApp’s settings mean, a restriction and a refused day in Spanish', async ({
  phone,
}) => {
  const { page, sim } = phone;
  // Meta's documented restriction shape ("Configure Call Settings"): type, reason, expiry.
  sim.graph.setCallingSettings({
    calling: {
      status: 'ENABLED',
      call_icon_visibility: 'DEFAULT',
      callback_permission_status: 'ENABLED',
      restrictions: {
        restrictions_list: [
          { type: 'RESTRICTED_BUSINESS_INITIATED_CALLING', reason: 'HIGH_NEGATIVE_FEEDBACK', expiration: 1797033600 },
        ],
      },
      call_hours: {
        status: 'ENABLED',
        timezone_id: 'UTC',
        weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '0900', close_time: '1300' }],
        holiday_schedule: [],
      },
    },
  });
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('language').selectOption('es');
  await page.getByTestId('settings-section-connection').click();
  const findings = page.getByTestId('calling-findings');
  await expect(findings).toContainText('Las llamadas están activadas para este número.');
  await expect(findings).toContainText('El horario de llamadas está activado (UTC)');
  await expect(findings).not.toContainText('Calling is on');
  await expect(findings).not.toContainText('WhatsApp restricted');
  await page.getByTestId('period-add').click();
  await page.getByTestId('period-open-1').fill('12:00');
  await page.getByTestId('period-close-1').fill('18:00');
  await page.getByTestId('calling-save').click();
  await expect(page.getByTestId('calling-problems')).toHaveText('lunes: los periodos de apertura se solapan.');
});
