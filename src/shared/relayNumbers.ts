import { z } from 'zod';

/** More WhatsApp business numbers on one relay (RELAY_NUMBERS_FILE), each with its own token; same Meta app. */
export const ExtraNumbers = z
  .array(
    z.object({
      phoneNumberId: z.string().regex(/^\d{1,30}$/, 'phoneNumberId: the numeric phone number ID'),
      accessToken: z.string().min(20, 'accessToken: the Graph API token for this number'),
      /** What agents see as the number called, for example "Sales line". */
      name: z.string().min(1).max(80),
    }),
  )
  .max(50);
export type ExtraNumbers = z.infer<typeof ExtraNumbers>;
