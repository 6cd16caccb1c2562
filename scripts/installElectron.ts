import { electronPackageDir, electronVersion, fetchElectron } from './lib/electronInstall';

/**
 * npm install's last step: fetches the Electron binary with Electron's own installer where the network allows.
 * It never fails the install; without Electron, `npm start` serves the phone to a browser.
 */
async function main(): Promise<void> {
  const packageDir = electronPackageDir(process.env);
  if (!packageDir) return; // installed without dev dependencies: no Electron package to fill
  const result = await fetchElectron({ packageDir, env: process.env, onDownloadStart: (line) => console.log(line) });
  if (result.ok) {
    const how = result.downloaded ? 'downloaded, checksum verified' : 'already installed';
    console.log(`Electron ${electronVersion(packageDir)} ${how}: npm start opens the desktop app.`);
  } else {
    console.log(
      `Electron was not downloaded: ${result.reason}. npm start will serve the phone to your browser instead.`,
    );
  }
}

main().catch((error: unknown) => {
  // Still not a failed install: say what happened in one line.
  console.log(
    `Electron was not downloaded: ${error instanceof Error ? error.message : String(error)}. npm start will serve the phone to your browser instead.`,
  );
});
