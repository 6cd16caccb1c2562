import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

/** One file of an archive: its bytes, or a file on disk of a known size read as the archive is sent. */
export type ArchiveEntry = { name: string; mtimeMs: number } & ({ bytes: Buffer } | { path: string; size: number });

const BLOCK = 512;

function octal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'ascii');
}

/** A POSIX ustar header: names up to 100 bytes (the archive's own names are short and plain). */
function header(name: string, size: number, mtimeMs: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`archive name too long: ${name}`);
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  octal(block, 100, 8, 0o600);
  octal(block, 108, 8, 0);
  octal(block, 116, 8, 0);
  octal(block, 124, 12, size);
  octal(block, 136, 12, Math.floor(mtimeMs / 1000));
  block.fill(' ', 148, 156);
  block.write('0', 156, 1, 'ascii');
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

async function* tarBlocks(entries: Iterable<ArchiveEntry>): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    const size = 'bytes' in entry ? entry.bytes.length : entry.size;
    yield header(entry.name, size, entry.mtimeMs);
    if ('bytes' in entry) yield entry.bytes;
    else {
      let sent = 0;
      for await (const chunk of createReadStream(entry.path) as AsyncIterable<Buffer>) {
        sent += chunk.length;
        // A file that grew since it was measured would break every entry after it: the archive stops instead.
        if (sent > size) throw new Error(`${entry.name} changed while the archive was written`);
        yield chunk;
      }
      if (sent !== size) throw new Error(`${entry.name} changed while the archive was written`);
    }
    yield padding(size);
  }
  yield Buffer.alloc(2 * BLOCK);
}

/** The entries as a tar archive, streamed (recordings are read from disk as it is sent); gzip it on the way out. */
export function tarStream(entries: Iterable<ArchiveEntry>): Readable {
  return Readable.from(tarBlocks(entries));
}
