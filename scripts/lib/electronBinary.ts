import { electronPackageDir, installedElectron, lastFetchFailure } from './electronInstall';

/** The Electron binary's path; undefined where it was not downloaded. */
export function electronBinary(): string | undefined {
  const packageDir = electronPackageDir(process.env);
  return packageDir ? installedElectron(packageDir) : undefined;
}

/** Why there is no Electron binary here, as it really is (for the one line a skipped test prints). */
export function electronMissingReason(env: NodeJS.ProcessEnv = process.env): string {
  const packageDir = electronPackageDir(env);
  if (!packageDir) return 'the electron package is not installed';
  const failure = lastFetchFailure(packageDir);
  if (failure) return `npm install did not download it: ${failure}`;
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD) return 'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it was not downloaded';
  return 'it was never downloaded: the install step did not run here (npm install runs it, npm start tries again)';
}

/** The line printed when tests that need Electron skip. */
export function electronSkipReason(what: string): string {
  return `${what} skipped: no Electron binary, because ${electronMissingReason()}. They run wherever it is installed`;
}
