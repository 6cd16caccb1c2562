import type { IncomingMessage } from 'node:http';

export class BodyTooLarge extends Error {
  constructor() {
    super('request body too large');
  }
}

/** Reads a fetch response's body, throwing `tooLarge()` as soon as more than `limit` bytes have arrived. */
export async function readBoundedResponse(response: Response, limit: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += (chunk as Uint8Array).byteLength;
    if (size > limit) throw tooLarge();
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}

/** The slowest a real sender delivers a body: past `graceMs`, at least `minBytesPerSec` (or the whole body). */
export interface BodyPace {
  minBytesPerSec: number;
  graceMs: number;
  /** Cuts the body at once (its slot is given to another request). */
  signal?: AbortSignal;
}

export class BodyTooSlow extends Error {
  constructor(reason: string) {
    super(reason);
  }
}

/** Rejects once the body falls behind `pace`: checked when it is next due, so a fast body costs no timer work. */
function watchPace(pace: BodyPace, declared: number, received: () => number, fail: (error: Error) => void) {
  const startedMs = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // When the bytes received so far stop being enough.
  const dueAtMs = () => startedMs + pace.graceMs + (received() / pace.minBytesPerSec) * 1000;
  const check = (): void => {
    if (received() >= declared) return;
    const wait = dueAtMs() - Date.now();
    if (wait > 0) timer = setTimeout(check, wait);
    else fail(new BodyTooSlow(`body arrived slower than ${pace.minBytesPerSec} bytes a second`));
  };
  const aborted = () => fail(new BodyTooSlow('body cut to free its slot for another request'));
  pace.signal?.addEventListener('abort', aborted, { once: true });
  check();
  return () => {
    clearTimeout(timer);
    pace.signal?.removeEventListener('abort', aborted);
  };
}

/**
 * Reads a request body, refusing one that declares or turns out to be larger than `limit` bytes, and, with `pace`,
 * one that arrives slower than a real sender would.
 */
export function readBoundedBody(
  req: IncomingMessage,
  limit: number,
  onChunk?: (chunk: Buffer) => void,
  pace?: BodyPace,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (error: Error): void => {
      stopWatching();
      req.removeAllListeners('data');
      reject(error);
    };
    const stopWatching = pace ? watchPace(pace, declared || limit, () => size, fail) : () => undefined;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return fail(new BodyTooLarge());
      onChunk?.(chunk);
      chunks.push(chunk);
    });
    req.on('end', () => {
      stopWatching();
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      stopWatching();
      reject(error);
    });
  });
}
