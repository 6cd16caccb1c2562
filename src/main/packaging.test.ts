import { execFileSync, fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronBinary, electronSkipReason } from '../../scripts/lib/electronBinary';

const root = join(__dirname, '..', '..');
const config = JSON.parse(readFileSync(join(root, 'electron-builder.json'), 'utf8')) as Record<string, never>;
const binary = electronBinary();

describe('installers (electron-builder)', () => {
  it('builds AppImage and deb for Linux, NSIS for Windows and dmg for macOS, with the microphone explained', () => {
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z0-9]+)+$/);
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'] });
    expect(config.win).toMatchObject({ target: ['nsis'] });
    expect(config.mac).toMatchObject({ target: ['dmg'] });
    expect(config.mac).toHaveProperty('extendInfo.NSMicrophoneUsageDescription', expect.stringContaining('microphone'));
    const entitlements = readFileSync(join(root, 'build', 'entitlements.mac.plist'), 'utf8');
    expect(entitlements).toContain('com.apple.security.device.audio-input');
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.dist).toContain('electron-builder --config electron-builder.json');
  });

  it('has a 512 px icon and an update feed the operator sets', () => {
    const png = readFileSync(join(root, 'build', 'icon.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    expect(config.publish).toEqual([{ provider: 'generic', url: '${env.SOFTPHONE_UPDATE_URL}' }]);
  });

  it.skipIf(!binary)(
    'packs a runnable Linux app from the built output',
    () => {
      const output = mkdtempSync(join(tmpdir(), 'softphone-dist-'));
      execFileSync(
        'npx',
        ['electron-builder', '--config', 'electron-builder.json', '--linux', 'dir', `-c.directories.output=${output}`],
        { cwd: root, stdio: 'pipe' },
      );
      expect(existsSync(join(output, 'linux-unpacked', 'resources', 'app.asar'))).toBe(true);
    },
    300_000,
  );
  if (!binary) console.log(electronSkipReason('Packaging test'));

  it('runs electron-builder’s native-module rebuild with the rebuilder package.json pins for Node 20', async () => {
    const app = mkdtempSync(join(tmpdir(), 'softphone-rebuild-'));
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0' }));
    const helper = join(root, 'node_modules', 'app-builder-lib', 'helpers', 'remote-rebuild.js');
    // The options electron-builder 26 passes (app-builder-lib/out/util/yarn.js); no native module, so no download.
    const options = { buildPath: app, electronVersion: '41.7.1', arch: process.arch, platform: process.platform };
    const child = fork(helper, [JSON.stringify({ ...options, projectRootPath: app, mode: 'sequential' })], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const messages: unknown[] = [];
    child.on('message', (message) => messages.push(message));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(messages).toContainEqual({ msg: 'rebuild-done' });
  });
});
