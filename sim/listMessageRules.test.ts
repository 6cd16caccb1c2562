import { describe, expect, it } from 'vitest';
import { surveyMessage } from '../src/shared/callSurvey';
import { ListMessageBody } from '../src/shared/graphSchemas';
import { QueueSurvey } from '../src/shared/teamQueues';
import { readPermissionMessage } from './messageRules';

// A list as Meta's page "Interactive list messages" shows one (its shipping-options sample, shortened).
const list = {
  messaging_product: 'whatsapp',
  recipient_type: 'individual',
  to: '16505551234',
  type: 'interactive',
  interactive: {
    type: 'list',
    header: { type: 'text', text: 'Choose Shipping Option' },
    body: { text: 'Which shipping option do you prefer?' },
    footer: { text: 'Lucky Shrub: Your gateway to succulents' },
    action: {
      button: 'Shipping Options',
      sections: [
        {
          title: 'I want it ASAP!',
          rows: [{ id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days' }],
        },
      ],
    },
  },
};
const changed = (change: (body: typeof list) => void) => {
  const body = structuredClone(list);
  change(body);
  return body;
};

describe('the simulated Meta’s rules for list messages', () => {
  it('takes Meta’s own sample and the survey the relay sends', () => {
    expect(readPermissionMessage(list)).toMatchObject({ kind: 'list', button: 'Shipping Options' });
    const survey = surveyMessage('447700900321', QueueSurvey.parse({}), 'AbCdEfGhIjKlMnOpQrStUv');
    expect(readPermissionMessage(survey)).toMatchObject({ kind: 'list', rows: { length: 5 } });
    expect(ListMessageBody.safeParse(survey).success).toBe(true);
  });

  it.each([
    ['a button over 20 characters', (b: typeof list) => (b.interactive.action.button = 'x'.repeat(21))],
    [
      'a row title over 24 characters',
      (b: typeof list) => (b.interactive.action.sections[0]!.rows[0]!.title = 'x'.repeat(25)),
    ],
    [
      'a row id over 200 characters',
      (b: typeof list) => (b.interactive.action.sections[0]!.rows[0]!.id = 'x'.repeat(201)),
    ],
    [
      'a description over 72 characters',
      (b: typeof list) => (b.interactive.action.sections[0]!.rows[0]!.description = 'x'.repeat(73)),
    ],
    [
      'eleven rows',
      (b: typeof list) =>
        (b.interactive.action.sections[0]!.rows = Array.from({ length: 11 }, (_, i) => ({
          id: `r${i}`,
          title: 'Row',
          description: '',
        }))),
    ],
    ['no section', (b: typeof list) => (b.interactive.action.sections = [])],
    ['a body over 4096 characters', (b: typeof list) => (b.interactive.body.text = 'x'.repeat(4097))],
    ['a footer over 60 characters', (b: typeof list) => (b.interactive.footer.text = 'x'.repeat(61))],
  ])('refuses %s, as the relay’s own schema does', (_what, change) => {
    const body = changed(change);
    expect(readPermissionMessage(body)).toHaveProperty('problem');
    expect(ListMessageBody.safeParse(body).success).toBe(false);
  });

  it('refuses two rows with the same id', () => {
    const body = changed((b) =>
      b.interactive.action.sections[0]!.rows.push({ ...b.interactive.action.sections[0]!.rows[0]! }),
    );
    expect(readPermissionMessage(body)).toEqual({ problem: 'row ids must be unique' });
  });
});
