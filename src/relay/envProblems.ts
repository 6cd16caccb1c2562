import type { z } from 'zod';

/** What is wrong with each setting: missing, or set but not what it should be (never its value: it may be a secret). */
export function envProblems(issues: z.core.$ZodIssue[], env: Record<string, string | undefined>): string[] {
  return issues.map((issue) => {
    const name = String(issue.path[0]);
    const expected = issue.message.startsWith(`${name}: `) ? issue.message.slice(name.length + 2) : issue.message;
    const set = env[name] !== undefined && env[name] !== '';
    if (set) return `${name} is set, but not as expected: ${expected}`;
    return issue.code === 'invalid_type' ? `${name} is not set` : `${name} is not set: ${expected}`;
  });
}
