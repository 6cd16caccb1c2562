import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Points every temporary folder of one test run (Redis, PostgreSQL and Janus data, desks' settings, recordings) into
 * one folder of its own, removed when the run ends: a run leaves nothing behind in the system's temporary folder.
 * Processes the tests start inherit it through TMPDIR. Returns the clean-up.
 */
export function useTestTempRoot(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'wa-softphone-tests-'));
  // As open as the system's own temporary folder: tests run a second, unprivileged user against some of these files.
  chmodSync(root, 0o1777);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
