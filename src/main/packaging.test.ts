import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
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
});
