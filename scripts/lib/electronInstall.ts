import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** What fetching the Electron binary came to: its path, or one sentence saying why not. */
export type ElectronFetch = { ok: true; binary: string; downloaded: boolean } | { ok: false; reason: string };

export interface FetchElectronOptions {
  /** The electron npm package's folder: its install.js unpacks into dist/ there and writes path.txt. */
  packageDir: string;
  env: NodeJS.ProcessEnv;
  /** How long the download source may take to answer at all (an unreachable GitHub must not hold up npm install). */
  probeTimeoutMs?: number;
  /** How long the whole download may take before it is stopped. */
  downloadTimeoutMs?: number;
  /** Told once the source answered and the download begins. */
  onDownloadStart?: (line: string) => void;
}

const PROBE_TIMEOUT_MS = 10_000;
const DOWNLOAD_TIMEOUT_MS = 15 * 60_000;
/** Where the last failed fetch's reason is kept, so later skips can name it. */
const FAILURE_FILE = 'softphone-fetch-failed.txt';

/** The electron package's folder: SOFTPHONE_ELECTRON_DIR, else the one this project installed. */
export function electronPackageDir(env: NodeJS.ProcessEnv): string | undefined {
  if (env.SOFTPHONE_ELECTRON_DIR) return env.SOFTPHONE_ELECTRON_DIR;
  try {
    return dirname(createRequire(__filename).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

export function electronVersion(packageDir: string): string {
  return (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The unpacked binary, read as the electron package's own index.js does (path.txt names it inside dist/). */
export function installedElectron(packageDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const inDist = readFileSync(pathFile, 'utf8');
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH
    ? join(env.ELECTRON_OVERRIDE_DIST_PATH, inDist)
    : join(packageDir, 'dist', inDist);
  return existsSync(binary) ? binary : undefined;
}

/** The reason the last fetch into this package failed, if it did. */
export function lastFetchFailure(packageDir: string): string | undefined {
  try {
    return readFileSync(join(packageDir, FAILURE_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs Electron's own installer (its install.js: @electron/get, checksum check, unpack) and says plainly how it went.
 * It never throws: a failure is a reason, and the caller falls back to the browser host.
 */
export async function fetchElectron(options: FetchElectronOptions): Promise<ElectronFetch> {
  const { packageDir } = options;
  const result = await attempt(options);
  try {
    if (result.ok) rmSync(join(packageDir, FAILURE_FILE), { force: true });
    else writeFileSync(join(packageDir, FAILURE_FILE), `${result.reason}\n`);
  } catch {
    // A read-only node_modules only loses the remembered reason.
  }
  return result;
}

async function attempt(options: FetchElectronOptions): Promise<ElectronFetch> {
  const { packageDir, env } = options;
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD) return { ok: false, reason: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set' };
  const already = installedElectron(packageDir, env);
  if (already) return { ok: true, binary: already, downloaded: false };
  const version = electronVersion(packageDir);
  const url = await archiveUrl(packageDir, version, env);
  if (url && !usesProxy(env)) {
    const unreachable = await probe(url, options.probeTimeoutMs ?? PROBE_TIMEOUT_MS);
    if (unreachable) return { ok: false, reason: unreachable };
  }
  options.onDownloadStart?.(
    `Downloading Electron ${version} (about 100 MB)${url ? ` from ${new URL(url).host}` : ''}…`,
  );
  const run = await runInstaller(packageDir, env, options.downloadTimeoutMs ?? DOWNLOAD_TIMEOUT_MS);
  if (run.timedOut) {
    const minutes = Math.round((options.downloadTimeoutMs ?? DOWNLOAD_TIMEOUT_MS) / 60_000);
    return { ok: false, reason: `the download took longer than ${minutes || 1} min and was stopped` };
  }
  if (run.code !== 0) return { ok: false, reason: installerFailure(run.stderr) };
  const binary = installedElectron(packageDir, env);
  if (!binary) return { ok: false, reason: `Electron's installer finished but left no binary in ${packageDir}` };
  return { ok: true, binary, downloaded: true };
}

/** The archive's address as Electron's downloader builds it (mirror, custom dir and file name settings included). */
async function archiveUrl(packageDir: string, version: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    const fromElectron = createRequire(join(packageDir, 'install.js'));
    const utils = fromElectron('@electron/get/dist/cjs/artifact-utils') as {
      getArtifactRemoteURL(details: object): Promise<string>;
    };
    // It reads the mirror settings from process.env; the caller's env is what counts here.
    const saved = process.env;
    process.env = { ...env };
    try {
      return await utils.getArtifactRemoteURL({
        version: `v${version}`,
        artifactName: 'electron',
        platform: env.npm_config_platform ?? process.platform,
        arch: env.npm_config_arch ?? process.arch,
      });
    } finally {
      process.env = saved;
    }
  } catch {
    // A different @electron/get layout: skip the quick check, the download's own timeout still bounds it.
    return undefined;
  }
}

/** @electron/get reaches the internet through a proxy when asked; a direct check would wrongly fail there. */
function usesProxy(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ELECTRON_GET_USE_PROXY || env.GLOBAL_AGENT_HTTPS_PROXY || env.GLOBAL_AGENT_HTTP_PROXY);
}

/** Undefined when the download source answers at all; otherwise why it cannot be reached. */
async function probe(url: string, timeoutMs: number): Promise<string | undefined> {
  const host = new URL(url).host;
  try {
    const response = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return undefined;
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return `${host} did not answer within ${Math.round(timeoutMs / 1000)} s`;
    }
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `${host} cannot be found (no internet or no DNS)`;
    if (code === 'ECONNREFUSED') return `${host} refused the connection`;
    return `${host} cannot be reached${code ? ` (${code})` : ''}`;
  }
}

function runInstaller(
  packageDir: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number | null; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(packageDir, 'install.js')], {
      cwd: packageDir,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, stderr: String(error), timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, timedOut });
    });
  });
}

/** One sentence from the installer's stack trace. */
export function installerFailure(stderr: string): string {
  const line =
    stderr
      .split('\n')
      .find((l) => /\w*Error\b.*:/.test(l))
      ?.trim() ??
    stderr.trim().split('\n')[0] ??
    '';
  if (/checksum/i.test(line)) {
    return 'the downloaded archive did not match its published SHA-256 checksum, so it was refused';
  }
  const status = /Response code (\d+)[^)]*\)(?: for (\S+))?/.exec(line);
  if (status) return `the download source answered HTTP ${status[1]}${status[2] ? ` for ${status[2]}` : ''}`;
  const network = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT)\b/.exec(line);
  if (network) return `the download failed (${network[1]})`;
  return `Electron's installer failed: ${line.replace(/^\w*Error:\s*/, '') || 'no reason given'}`;
}
