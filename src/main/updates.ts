import { autoUpdater } from 'electron-updater';
import type { Logger } from '../whatsapp/logger';

/**
 * Checks the operator's update server (SOFTPHONE_UPDATE_URL, an electron-builder "generic" feed) at start and
 * every few hours; an update downloads in the background and installs when the app quits, never mid-call.
 */
export function startUpdates(url: string | undefined, logger: Logger): void {
  if (!url) return;
  if (!/^https:\/\//.test(url)) {
    logger.warn('updates off: SOFTPHONE_UPDATE_URL must be https', { url });
    return;
  }
  autoUpdater.setFeedURL({ provider: 'generic', url });
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.on('error', (error) => logger.warn('update check failed', { error: error.message }));
  autoUpdater.on('update-downloaded', (info) =>
    logger.info('update ready; installs on quit', { version: info.version }),
  );
  const check = () => void autoUpdater.checkForUpdates().catch(() => undefined);
  check();
  setInterval(check, 4 * 3600_000).unref();
}
