import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';

const ROOT = join(__dirname, '..');
const ELECTRON = join(ROOT, 'node_modules', 'electron');

/** One file of a zip archive; mode as on Unix (0o755 for the stand-in binary). */
interface ZipEntry {
  name: string;
  body: Buffer;
  mode: number;
}

/** A stored (uncompressed) zip with Unix modes, as Electron's release archives carry them. */
export function zipArchive(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const crc = crc32(entry.body);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(entry.body.length, 18);
    local.writeUInt32LE(entry.body.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode below is read
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(entry.body.length, 20);
    central.writeUInt32LE(entry.body.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((0o100000 | entry.mode) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, entry.body);
    centrals.push(central, name);
    offset += local.length + name.length + entry.body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The stand-in for Electron's binary: a script that writes the arguments it was started with beside itself. */
export function standInArchive(version: string): Buffer {
  const script = '#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/started-with.txt"\n';
  return zipArchive([
    { name: 'electron', body: Buffer.from(script), mode: 0o755 },
    { name: 'version', body: Buffer.from(`v${version}`), mode: 0o644 },
  ]);
}

export interface ElectronMirror {
  /** ELECTRON_MIRROR's value. */
  url: string;
  /** Paths asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves `<version dir>/SHASUMS256.txt` and the archive the way Electron's release mirror lays them out.
 * `served` is what the archive's address returns; SHASUMS256.txt always lists `archive`'s true hash.
 */
export async function startElectronMirror(options: {
  version: string;
  fileName: string;
  archive: Buffer;
  served?: Buffer;
}): Promise<ElectronMirror> {
  const sha = createHash('sha256').update(options.archive).digest('hex');
  const files = new Map<string, Buffer>([
    [`/v${options.version}/SHASUMS256.txt`, Buffer.from(`${sha} *${options.fileName}\n`)],
    [`/v${options.version}/${options.fileName}`, options.served ?? options.archive],
  ]);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = files.get(req.url ?? '');
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/`, requests, close: () => closeServer(server) };
}

/** A host that takes connections and never answers, as a blackholed GitHub does. */
export async function startSilentHost(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer(() => undefined);
  server.on('connection', (socket) => sockets.add(socket));
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return closeServer(server);
    },
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * A private copy of the electron npm package (its installer, index and checksums; its dependencies linked), so a
 * test installs into a temporary folder and never touches this checkout's node_modules/electron.
 */
export function copyElectronPackage(): string {
  const modules = join(mkdtempSync(join(tmpdir(), 'softphone-electron-')), 'node_modules');
  const packageDir = join(modules, 'electron');
  mkdirSync(packageDir, { recursive: true });
  for (const file of ['package.json', 'install.js', 'index.js', 'checksums.json']) {
    copyFileSync(join(ELECTRON, file), join(packageDir, file));
  }
  for (const dependency of ['@electron/get', 'extract-zip']) {
    mkdirSync(dirname(join(modules, dependency)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', dependency), join(modules, dependency));
  }
  return packageDir;
}

/** The environment for the install step and the launcher: this mirror, this package copy, nothing inherited. */
export function installEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // The machine's own Electron settings (a skip, a mirror, a cache) must not decide what the test sees.
    if (/^(electron_|npm_config_electron|npm_package_config_electron|ELECTRON_|SOFTPHONE_)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}
