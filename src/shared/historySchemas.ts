import { z } from 'zod';
import { withoutBidiControls } from './shownText';
import { EndReason } from './callMachine';
import { Sentence } from './sentence';

export const HistoryEntry = z.object({
  callId: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  number: z.string(),
  name: z.string().optional(),
  /** The customer's WhatsApp username, when they use one. */
  username: z.string().optional(),
  offeredAtMs: z.number(),
  answeredAtMs: z.number().optional(),
  endedAtMs: z.number().optional(),
  endReason: EndReason.optional(),
  message: z.string().optional(),
  durationSec: z.number().optional(),
  /** Meta's billed duration, in seconds. */
  billedDurationSec: z.number().optional(),
  rttMs: z.number().optional(),
  jitterMs: z.number().optional(),
  lossPct: z.number().optional(),
  mos: z.number().optional(),
  /** The agent's wrap-up: an outcome code from the desk's list, and free-text notes. */
  outcome: z.string().optional(),
  notes: z.string().optional(),
  /** When a WhatsApp message followed this missed call up. */
  followedUpAtMs: z.number().optional(),
  /** What WhatsApp was asked to make of the call: its own recording and/or transcript. */
  captured: z.array(z.enum(['recording', 'transcription'])).optional(),
  /** WhatsApp's recording, downloaded into the app's data folder (played through history:recording). */
  recordingMimeType: z.string().optional(),
  /** WhatsApp's transcript, one line per speaker turn. */
  transcript: z.string().optional(),
  /** The missed call whose follow-up message this customer called back from. */
  followUpOf: z.string().optional(),
  /** biz_opaque_callback_data (what ties the call to our records), and the call button's or deep link's payload. */
  callbackData: z.string().optional(),
  ctaPayload: z.string().optional(),
  deeplinkPayload: z.string().optional(),
  /** Why the call ended, as messages the page words in the agent's language (`message` is the English). */
  said: z.array(Sentence).max(4).optional(),
  /** Why a recording or transcript could not be fetched, in a sentence; the row itself stays. */
  mediaProblem: z.string().optional(),
  mediaProblemSaid: z.array(Sentence).max(4).optional(),
  /** Team relay: the agent who took the call, as the relay named them. */
  agent: z.string().max(200).optional(),
  /** Team relay: the customer's rating in the post-call survey (CSAT, 1 to 5). */
  csat: z.number().int().min(1).max(5).optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** What the desk writes to the history as a call changes; `durationSec` is derived when reading. */
export const HistoryUpdate = HistoryEntry.omit({
  durationSec: true,
  outcome: true,
  notes: true,
  followedUpAtMs: true,
  recordingMimeType: true,
  transcript: true,
  mediaProblem: true,
  mediaProblemSaid: true,
  csat: true,
});

/** What a missed caller reads, until the operator sets the desk's own words. */
export const DEFAULT_FOLLOW_UP_TEXT = 'Sorry we missed your call. We will call you back as soon as we can.';

/** Who is calling, from this desk's history: how often before, and the last time with its outcome and notes. */
export const CustomerSummary = z.object({
  earlierCalls: z.number().int(),
  last: HistoryEntry.optional(),
  /** In team mode: the customer's earlier calls with the whole team, from the relay's call records. */
  team: z
    .object({
      earlierCalls: z.number().int(),
      last: z
        .object({
          atMs: z.number(),
          agent: z.string().max(200).optional(),
          outcome: z.string().max(80).optional(),
          notes: z.string().max(4000).optional(),
        })
        .optional(),
    })
    .optional(),
});
export type CustomerSummary = z.infer<typeof CustomerSummary>;

/** The outcome codes offered after a call until the operator sets the desk's own list. */
export const DEFAULT_WRAP_UP_CODES = ['Resolved', 'Follow-up needed', 'Sales', 'Complaint'];

/** Notes longer than this are refused with a message, never cut short. */
export const WRAP_UP_NOTES_MAX = 2000;

/** What the agent records after a call. */
export const WrapUp = z.object({
  callId: z.string().min(1).max(200),
  outcome: z.string().trim().min(1, 'Choose an outcome.').max(60),
  notes: z
    .string()
    .max(WRAP_UP_NOTES_MAX, `Notes can be ${WRAP_UP_NOTES_MAX} characters at most; shorten them.`)
    .transform(withoutBidiControls),
});
export type WrapUp = z.infer<typeof WrapUp>;
export type HistoryUpdate = z.infer<typeof HistoryUpdate>;

export const HistoryQuery = z.object({
  search: z.string().max(100).default(''),
  missedOnly: z.boolean().default(false),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;
