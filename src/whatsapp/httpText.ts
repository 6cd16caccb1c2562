import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * Connections to the Graph API are kept open, so a call's pre_accept and accept go on one warm connection
 * instead of each paying for a connect (and a TLS handshake toward Meta).
 */
const agents = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: 16 }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: 16 }),
};

export class RequestTimedOut extends Error {
  override readonly name = 'TimeoutError';
}

export class ReplyTooLarge extends Error {
  override readonly name = 'ReplyTooLarge';
}

export interface TextReply {
  status: number;
  text: string;
}

/**
 * One request with a small text body and reply, over node:http(s). The Graph API's call actions sit on the path from
 * the agent's click to the caller hearing them: undici's fetch cost about 0.6 ms more per request than this, and
 * more again reading the reply through web streams.
 */
export function requestText(
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; timeoutMs: number; maxBytes: number },
): Promise<TextReply> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const agent = target.protocol === 'https:' ? agents['https:'] : agents['http:'];
  return new Promise((resolve, reject) => {
    const headers =
      init.body === undefined
        ? init.headers
        : { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) };
    const req = send(target, { method: init.method, headers, agent });
    const timer = setTimeout(
      () => req.destroy(new RequestTimedOut(`no reply within ${init.timeoutMs} ms`)),
      init.timeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > init.maxBytes) req.destroy(new ReplyTooLarge(`reply larger than ${init.maxBytes} bytes`));
        else chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end(init.body);
  });
}
