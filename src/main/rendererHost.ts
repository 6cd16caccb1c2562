import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startBrowserHost } from './browserHost';
import type { PreparedDesk } from './deskStartup';
import { ngrokTunnels, type TunnelProvider } from '../whatsapp/tunnel';

export const RENDERER_DIR = join(__dirname, '..', '..', 'out', 'renderer');

/** Starts the browser host on the built renderer, with a clear message when the build is missing. */
export async function hostRenderer(options: { desk: PreparedDesk; port?: number; tunnels?: TunnelProvider }) {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error('The renderer is not built: run `npm run build` first.');
  }
  const { storage, environment, logger } = options.desk;
  const host = await startBrowserHost({
    ...storage,
    environment,
    logger,
    tunnels: options.tunnels ?? ngrokTunnels,
    rendererDir: RENDERER_DIR,
    port: options.port,
  });
  return { ...host, storage };
}
