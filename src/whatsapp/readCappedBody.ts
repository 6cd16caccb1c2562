import type { IncomingMessage, ServerResponse } from 'node:http';

/** Past this a body from a person's browser or a bot is not coming: a small body arrives in well under a second. */
export const BODY_DEADLINE_MS = 10_000;

export interface BodyCap {
  maxBytes: number;
  deadlineMs?: number;
}

/** The body as text, or the status to refuse it with: 413 longer than the cap, 408 not whole by the deadline. */
export type CappedBody = { ok: true; text: string } | { ok: false; status: 413 | 408 };

/**
 * A request's body (UTF-8), up to `maxBytes` and within `deadlineMs`. A body that declares or turns out to be longer,
 * or is too slow, is refused: what was read is dropped, the rest is discarded as it comes, and the reply to come is
 * marked `Connection: close`, so the refusal reaches the client and its next request goes on a new connection
 * instead of landing after a half-read body. Rejects when the request fails (the client went away).
 */
export function readCappedBody(
  req: IncomingMessage,
  res: ServerResponse,
  { maxBytes, deadlineMs = BODY_DEADLINE_MS }: BodyCap,
): Promise<CappedBody> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return Promise.resolve(refused(req, res, 413));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const refuse = (status: 413 | 408): void => {
      stop();
      resolve(refused(req, res, status));
    };
    function onData(chunk: Buffer): void {
      size += chunk.length;
      if (size > maxBytes) return refuse(413);
      chunks.push(chunk);
    }
    function onEnd(): void {
      stop();
      resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
    }
    function onError(error: Error): void {
      stop();
      reject(error);
    }
    const timer = setTimeout(() => refuse(408), deadlineMs);
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

/** The reply closes the connection; until then the bytes still on the way are dropped (flowing, no listener). */
function refused(req: IncomingMessage, res: ServerResponse, status: 413 | 408): CappedBody {
  res.setHeader('Connection', 'close');
  req.resume();
  return { ok: false, status };
}

/**
 * A reply written before the request's body has been read whole (a refusal: no or a wrong token, the wrong method)
 * closes the connection, so a client trickling a body nobody reads cannot keep the socket; a request whose body was
 * read keeps its connection for the next one. Call it as the request arrives, before anything reads the body.
 */
export function closeUnlessBodyRead(req: IncomingMessage, res: ServerResponse): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return;
  res.setHeader('Connection', 'close');
  req.once('end', () => {
    if (!res.headersSent) res.removeHeader('Connection');
  });
}
