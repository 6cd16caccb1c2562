import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startBrowserHost } from '../src/main/browserHost';
import type { AppConfig } from '../src/main/config';
import type { Logger } from '../src/main/logger';

export const RENDERER_DIR = join(__dirname, '..', 'out', 'renderer');

/** Starts the browser host on the built renderer, with a clear message when the build is missing. */
export async function hostRenderer(config: AppConfig, logger: Logger, port?: number) {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error('The renderer is not built: run `npm run build` first.');
  }
  return startBrowserHost({ config, logger, rendererDir: RENDERER_DIR, port });
}
