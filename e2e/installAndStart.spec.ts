import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  copyElectronPackage,
  installEnv,
  standInArchive,
  startElectronMirror,
  startSilentHost,
  type ElectronMirror,
} from './electronMirror';

const ROOT = join(__dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;
const FILE = `electron-v${VERSION}-${process.platform}-${process.arch}.zip`;
const FALLBACK = /^Electron was not downloaded: (.+)\. npm start will serve the phone to your browser instead\.$/;

interface Run {
  code: number | null;
  lines: string[];
}

/** Runs one of the project's scripts as npm does and keeps what it printed. */
function runScript(script: string, env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [join(ROOT, 'scripts', script)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} still running after ${timeoutMs} ms; it printed:\n${out}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, lines: out.split('\n').filter((l) => l.trim() !== '') });
    });
  });
}

/** Starts `npm start`'s launcher and resolves once it printed a line matching `until`. */
function startLauncher(env: NodeJS.ProcessEnv, until: RegExp): Promise<{ child: ChildProcess; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [join(ROOT, 'scripts', 'start.ts')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const timer = setTimeout(() => reject(new Error(`the launcher printed:\n${lines.join('\n')}`)), 60_000);
    const read = (chunk: Buffer) => {
      lines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((l) => l.trim() !== ''),
      );
      if (lines.some((l) => until.test(l))) {
        clearTimeout(timer);
        resolve({ child, lines });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('close', () => reject(new Error(`the launcher ended; it printed:\n${lines.join('\n')}`)));
  });
}

function envFor(packageDir: string, mirror: string): NodeJS.ProcessEnv {
  return installEnv({
    SOFTPHONE_ELECTRON_DIR: packageDir,
    ELECTRON_MIRROR: mirror,
    // The stand-in is not in the electron package's own checksums.json: verify against the mirror's SHASUMS256.txt.
    electron_use_remote_checksums: '1',
    electron_config_cache: mkdtempSync(join(tmpdir(), 'softphone-electron-cache-')),
    ELECTRON_GET_NO_PROGRESS: '1',
  });
}

test.describe('installing and starting the desktop app', () => {
  let mirror: ElectronMirror | undefined;
  test.afterEach(async () => {
    await mirror?.close();
    mirror = undefined;
  });

  test('npm install fetches Electron from the mirror with its checksum checked, and npm start opens it', async () => {
    const archive = standInArchive(VERSION);
    mirror = await startElectronMirror({ version: VERSION, fileName: FILE, archive });
    const packageDir = copyElectronPackage();
    const env = envFor(packageDir, mirror.url);

    const install = await runScript('installElectron.ts', env);
    expect(install.code).toBe(0);
    expect(install.lines.at(-1)).toBe(
      `Electron ${VERSION} downloaded, checksum verified: npm start opens the desktop app.`,
    );
    expect(mirror.requests).toEqual(expect.arrayContaining([`/v${VERSION}/SHASUMS256.txt`, `/v${VERSION}/${FILE}`]));
    expect(readFileSync(join(packageDir, 'path.txt'), 'utf8')).toBe('electron');

    const start = await runScript('start.ts', env);
    expect(start.code).toBe(0);
    const startedWith = readFileSync(join(packageDir, 'dist', 'started-with.txt'), 'utf8').trim();
    expect(startedWith).toBe(join(ROOT, 'out', 'main', 'index.js'));
  });

  test('npm start fetches Electron itself when npm install could not, saying so', async () => {
    mirror = await startElectronMirror({ version: VERSION, fileName: FILE, archive: standInArchive(VERSION) });
    const packageDir = copyElectronPackage();
    const start = await runScript('start.ts', envFor(packageDir, mirror.url));
    expect(start.code).toBe(0);
    expect(start.lines).toEqual([
      'The Electron binary is missing: trying to fetch it now.',
      `Downloading Electron ${VERSION} (about 100 MB) from ${new URL(mirror.url).host}…`,
    ]);
    expect(existsSync(join(packageDir, 'dist', 'started-with.txt'))).toBe(true);
  });

  test('a corrupt Electron archive is refused with a sentence, and nothing is installed', async () => {
    const archive = standInArchive(VERSION);
    const corrupt = Buffer.from(archive);
    corrupt[40] = (corrupt[40] ?? 0) ^ 0xff;
    mirror = await startElectronMirror({ version: VERSION, fileName: FILE, archive, served: corrupt });
    const packageDir = copyElectronPackage();

    const install = await runScript('installElectron.ts', envFor(packageDir, mirror.url));
    expect(install.code).toBe(0);
    expect(install.lines.at(-1)).toMatch(FALLBACK);
    expect(FALLBACK.exec(install.lines.at(-1) ?? '')?.[1]).toBe(
      'the downloaded archive did not match its published SHA-256 checksum, so it was refused',
    );
    expect(existsSync(join(packageDir, 'path.txt'))).toBe(false);
    expect(existsSync(join(packageDir, 'dist', 'electron'))).toBe(false);
  });

  test('a download source that never answers holds npm install up for seconds, not minutes', async () => {
    const silent = await startSilentHost();
    try {
      const startedAt = Date.now();
      const install = await runScript('installElectron.ts', envFor(copyElectronPackage(), silent.url), 40_000);
      expect(install.code).toBe(0);
      expect(install.lines).toEqual([
        `Electron was not downloaded: ${new URL(silent.url).host} did not answer within 10 s. npm start will serve the phone to your browser instead.`,
      ]);
      expect(Date.now() - startedAt).toBeLessThan(30_000);
    } finally {
      await silent.close();
    }
  });

  test('with the mirror down, npm install says so in one line and npm start serves the phone to the browser', async ({
    page,
  }) => {
    mirror = await startElectronMirror({ version: VERSION, fileName: FILE, archive: standInArchive(VERSION) });
    const down = mirror.url;
    await mirror.close();
    mirror = undefined;
    const packageDir = copyElectronPackage();
    const env = {
      ...envFor(packageDir, down),
      SOFTPHONE_DATA_DIR: mkdtempSync(join(tmpdir(), 'softphone-start-')),
      SOFTPHONE_UI_PORT: '0',
    };
    const host = new URL(down).host;

    const install = await runScript('installElectron.ts', env);
    expect(install.code).toBe(0);
    expect(install.lines).toEqual([
      `Electron was not downloaded: ${host} refused the connection. npm start will serve the phone to your browser instead.`,
    ]);

    const launcher = await startLauncher(env, /^Open http/);
    try {
      expect(launcher.lines.slice(0, 2)).toEqual([
        'The Electron binary is missing: trying to fetch it now.',
        `Electron could not be fetched: ${host} refused the connection, so the phone runs in your browser.`,
      ]);
      const address = /^Open (\S+) in Chromium/.exec(launcher.lines.find((l) => l.startsWith('Open ')) ?? '')?.[1];
      expect(address).toBeTruthy();
      await page.goto(address!);
      await expect(page.getByTestId('phone')).toBeVisible();
    } finally {
      launcher.child.kill('SIGTERM');
    }
  });

  test('SOFTPHONE_NO_ELECTRON=1 serves the browser host even where Electron is installed', async () => {
    mirror = await startElectronMirror({ version: VERSION, fileName: FILE, archive: standInArchive(VERSION) });
    const packageDir = copyElectronPackage();
    const env = envFor(packageDir, mirror.url);
    expect((await runScript('installElectron.ts', env)).code).toBe(0);
    const launcher = await startLauncher(
      {
        ...env,
        SOFTPHONE_NO_ELECTRON: '1',
        SOFTPHONE_DATA_DIR: mkdtempSync(join(tmpdir(), 'softphone-start-')),
        SOFTPHONE_UI_PORT: '0',
      },
      /^Open http/,
    );
    launcher.child.kill('SIGTERM');
    expect(launcher.lines[0]).toBe('SOFTPHONE_NO_ELECTRON is set, so the phone runs in your browser.');
    expect(existsSync(join(packageDir, 'dist', 'started-with.txt'))).toBe(false);
  });

  test('npm start or npm run demo on a port already taken says so in one line, with what to do', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      for (const script of ['start.ts', 'demo.ts']) {
        const run = await runScript(script, {
          ...process.env,
          SOFTPHONE_NO_ELECTRON: '1',
          SOFTPHONE_DATA_DIR: mkdtempSync(join(tmpdir(), 'softphone-start-')),
          SOFTPHONE_UI_PORT: String(port),
          DISPLAY: '',
        });
        expect(run.code, script).toBe(1);
        const said = run.lines.filter((l) => !l.startsWith('{'));
        expect(said.at(-1), script).toBe(
          `Port ${port} on 127.0.0.1 is taken, most likely by another npm start or npm run demo: stop that one, ` +
            'or set SOFTPHONE_UI_PORT to another port.',
        );
        expect(run.lines.join('\n'), script).not.toContain('EADDRINUSE');
      }
    } finally {
      taken.close();
    }
  });
});
