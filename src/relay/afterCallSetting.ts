import { z } from 'zod';

/**
 * RELAY_AFTER_CALL_SECONDS: how long the relay keeps an agent in after-call work for an unsaved wrap-up (unset: until
 * saved; 0: never). Read by the relay and by the team demo, so both accept the same values.
 */
export const AfterCallSeconds = z.coerce
  .number({ message: 'RELAY_AFTER_CALL_SECONDS: a whole number of seconds from 0 to 3600' })
  .int('RELAY_AFTER_CALL_SECONDS: a whole number of seconds from 0 to 3600')
  .min(0, 'RELAY_AFTER_CALL_SECONDS: a whole number of seconds from 0 to 3600')
  .max(3600, 'RELAY_AFTER_CALL_SECONDS: a whole number of seconds from 0 to 3600')
  .optional();
