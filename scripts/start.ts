import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { prepareDesk } from '../src/main/deskStartup';
import { createFatalErrorHandler, installFatalErrorHandler } from '../src/main/fatalErrors';
import { hostRenderer } from '../src/main/rendererHost';
import { plainCipher } from '../src/main/settingsStore';
import { electronPackageDir, fetchElectron, installedElectron } from './lib/electronInstall';
import { stopOnSignals } from '../src/whatsapp/stopOnSignals';

/** The Electron binary, fetched now if npm install could not; otherwise why the browser host is used. */
async function findElectron(): Promise<{ binary: string } | { reason: string }> {
  if (process.env.SOFTPHONE_NO_ELECTRON) return { reason: 'SOFTPHONE_NO_ELECTRON is set' };
  const packageDir = electronPackageDir(process.env);
  if (!packageDir) return { reason: 'the electron package is not installed' };
  const installed = installedElectron(packageDir);
  if (installed) return { binary: installed };
  console.log('The Electron binary is missing: trying to fetch it now.');
  const result = await fetchElectron({ packageDir, env: process.env, onDownloadStart: (line) => console.log(line) });
  return result.ok ? { binary: result.binary } : { reason: `Electron could not be fetched: ${result.reason}` };
}

/** `npm start`: the Electron app where its binary exists or can be fetched, otherwise the same app served to a browser. */
async function main(): Promise<void> {
  const electron = await findElectron();
  if ('binary' in electron) {
    const binary = electron.binary;
    const child = spawn(binary, [join(__dirname, '..', 'out', 'main', 'index.js')], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  const dataDir = process.env.SOFTPHONE_DATA_DIR ?? join(homedir(), '.wa-softphone');
  // No OS key store outside Electron: secrets are kept unencrypted, and the Settings screen says so.
  const desk = prepareDesk({ dataDir, cipher: plainCipher, env: process.env });
  if (desk.environmentErrors.length > 0) {
    for (const error of desk.environmentErrors) console.error(`  - ${error}`);
    process.exit(2);
  }
  const host = await hostRenderer({ desk, port: Number(process.env.SOFTPHONE_UI_PORT ?? 5180) });
  console.log(`${electron.reason[0]?.toUpperCase()}${electron.reason.slice(1)}, so the phone runs in your browser.`);
  console.log(
    `Open ${host.url} in Chromium or Chrome. Settings are kept in ${dataDir} (secrets unencrypted outside Electron).`,
  );
  stopOnSignals(() => host.close());
  installFatalErrorHandler(
    createFatalErrorHandler({
      logger: desk.logger,
      failFatally: () => host.services.failFatally(),
      exit: (code) => setTimeout(() => process.exit(code), 300),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
