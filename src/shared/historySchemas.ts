import { z } from 'zod';
import { EndReason } from './callMachine';

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
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** What the desk writes to the history as a call changes; `durationSec` is derived when reading. */
export const HistoryUpdate = HistoryEntry.omit({ durationSec: true });
export type HistoryUpdate = z.infer<typeof HistoryUpdate>;

export const HistoryQuery = z.object({
  search: z.string().max(100).default(''),
  missedOnly: z.boolean().default(false),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;
