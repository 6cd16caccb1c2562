import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tarStream } from './tarArchive';

describe('the customer archive’s tar writer', () => {
  it('writes files any tar reads back byte for byte: empty, a whole block, a file from disk, a non-ASCII name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tar-'));
    const onDisk = join(dir, 'room.wav');
    const voice = Buffer.alloc(1000, 7);
    writeFileSync(onDisk, voice);
    const archive = join(dir, 'out.tar.gz');
    await pipeline(
      tarStream([
        { name: 'empty.json', bytes: Buffer.alloc(0), mtimeMs: Date.UTC(2026, 0, 1, 12) },
        { name: 'block.bin', bytes: Buffer.alloc(512, 1), mtimeMs: Date.UTC(2026, 0, 1, 12) },
        { name: 'recordings/room.wav', path: onDisk, size: voice.length, mtimeMs: Date.UTC(2026, 0, 1, 12) },
        { name: 'notas-ñ.json', bytes: Buffer.from('{"n":"ñ"}'), mtimeMs: Date.UTC(2026, 0, 1, 12) },
      ]),
      createGzip(),
      createWriteStream(archive),
    );
    mkdirSync(join(dir, 'x'));
    execFileSync('tar', ['-xzf', archive, '-C', join(dir, 'x')]);
    expect(readFileSync(join(dir, 'x', 'empty.json')).length).toBe(0);
    expect(readFileSync(join(dir, 'x', 'block.bin'))).toEqual(Buffer.alloc(512, 1));
    expect(readFileSync(join(dir, 'x', 'recordings', 'room.wav'))).toEqual(voice);
    expect(readFileSync(join(dir, 'x', 'notas-ñ.json'), 'utf8')).toBe('{"n":"ñ"}');
    expect(execFileSync('tar', ['-tvzf', archive], { encoding: 'utf8' })).toContain('2026-01-01');
  });

  it('stops, rather than writing a broken archive, when a file on disk is not the size it was measured at', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tar-'));
    writeFileSync(join(dir, 'grew.wav'), Buffer.alloc(2000));
    const chunks: Buffer[] = [];
    const reading = (async () => {
      for await (const chunk of tarStream([{ name: 'grew.wav', path: join(dir, 'grew.wav'), size: 1000, mtimeMs: 0 }]))
        chunks.push(chunk as Buffer);
    })();
    await expect(reading).rejects.toThrow('grew.wav changed while the archive was written');
  });
});
