import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** The supervisor board page the relay serves at /board (built into out/board). */
export default defineConfig({
  root: resolve(__dirname, 'src/board'),
  base: '/board/',
  build: {
    outDir: resolve(__dirname, 'out/board'),
    emptyOutDir: true,
    rollupOptions: {
      input: {
        index: resolve(__dirname, 'src/board/index.html'),
        reports: resolve(__dirname, 'src/board/reports.html'),
        audit: resolve(__dirname, 'src/board/audit.html'),
        settings: resolve(__dirname, 'src/board/settings.html'),
      },
    },
  },
});
