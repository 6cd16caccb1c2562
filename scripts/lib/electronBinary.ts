import { createRequire } from 'node:module';

export const ELECTRON_SKIP_REASON =
  'Electron e2e skipped: no Electron binary installed (ELECTRON_SKIP_BINARY_DOWNLOAD); they run wherever it is';

/** The Electron binary's path; undefined where its download was skipped. */
export function electronBinary(): string | undefined {
  try {
    // The electron package exports the binary's path, and throws when the download was skipped.
    return createRequire(__filename)('electron') as string;
  } catch {
    return undefined;
  }
}
