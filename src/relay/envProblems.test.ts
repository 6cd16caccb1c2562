import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { envProblems } from './envProblems';

const Env = z.object({
  WA_ACCESS_TOKEN: z.string().min(20, 'WA_ACCESS_TOKEN: the Graph API access token'),
  RELAY_AGENT_SECRET: z.string().min(32, 'RELAY_AGENT_SECRET: 32 characters or more'),
});

describe('the relay’s start-up settings', () => {
  it('says a setting given in the wrong shape is set but not as expected, and a missing one is not set', () => {
    const env = { WA_ACCESS_TOKEN: 'short' };
    const parsed = Env.safeParse(env);
    expect(parsed.success).toBe(false);
    const lines = envProblems(parsed.error!.issues, env);
    expect(lines).toEqual([
      'WA_ACCESS_TOKEN is set, but not as expected: the Graph API access token',
      'RELAY_AGENT_SECRET is not set',
    ]);
    // Never the value: it may be a secret.
    expect(lines.join(' ')).not.toContain('short');
  });
});
