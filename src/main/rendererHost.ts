import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openAppStorage } from './appStorage';
import { startBrowserHost } from './browserHost';
import type { Environment } from './config';
import type { Logger } from '../whatsapp/logger';
import { plainCipher } from './settingsStore';
import { ngrokTunnels, type TunnelProvider } from '../whatsapp/tunnel';

export const RENDERER_DIR = join(__dirname, '..', '..', 'out', 'renderer');

/** Starts the browser host on the built renderer, with a clear message when the build is missing. */
export async function hostRenderer(options: { dataDir: string; environment: Environment; logger: Logger; port?: number; tunnels?: TunnelProvider }) {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error('The renderer is not built: run `npm run build` first.');
  }
  // No OS key store outside Electron: secrets are kept unencrypted, and the Settings screen says so.
  const storage = openAppStorage(options.dataDir, plainCipher);
  const host = await startBrowserHost({
    ...storage,
    environment: options.environment,
    logger: options.logger,
    tunnels: options.tunnels ?? ngrokTunnels,
    rendererDir: RENDERER_DIR,
    port: options.port,
  });
  return { ...host, storage };
}
