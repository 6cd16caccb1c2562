import { addressee, type ListMessageBody } from './graphSchemas';
import type { QueueSurvey } from './teamQueues';

/** A row's id carries the survey it belongs to and the rating: `csat.<survey>.<1-5>` (Meta echoes it). */
const ROW_ID = /^csat\.([A-Za-z0-9_-]{16,32})\.([1-5])$/;

/** The list message that asks the customer to rate the call: one section, five rows, 1 to 5. */
export function surveyMessage(customer: string, survey: QueueSurvey, surveyId: string): ListMessageBody {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    ...addressee(customer),
    type: 'interactive',
    interactive: {
      type: 'list',
      body: { text: survey.body },
      action: {
        button: survey.button,
        sections: [
          {
            title: survey.section,
            rows: survey.ratings.map((title, i) => ({ id: `csat.${surveyId}.${i + 1}`, title })),
          },
        ],
      },
    },
  };
}

/** The survey and rating a chosen row names; undefined for a row that is not a survey's. */
export function surveyAnswer(rowId: string): { surveyId: string; score: number } | undefined {
  const match = ROW_ID.exec(rowId);
  return match ? { surveyId: match[1]!, score: Number(match[2]) } : undefined;
}
