import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorText } from '../shared/errorText';
import type { CallMediaNotice } from '../shared/metaCapture';
import type { Logger } from '../whatsapp/logger';
import type { CallStore } from './callStore';

/** Largest recording the relay passes on; a call recording is a few megabytes an hour. */
export const RELAY_MEDIA_MAX_BYTES = 64 * 1024 * 1024;

export interface MediaRouteDeps {
  /** The agent a bearer token names, or why not (expired, revoked, unsigned). */
  signedInAgent(authorization: string | undefined): Promise<{ agentId: string } | { refused: string }>;
  store: Pick<CallStore, 'owner' | 'media'>;
  download(notice: CallMediaNotice, maxBytes: number): Promise<{ bytes: Buffer; mimeType?: string }>;
  log: Logger;
}

const PATH = /^\/media\/([^/]{1,600})\/(recording|transcript)$/;

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${text}\n`);
}

/**
 * GET /media/{call id}/{recording|transcript}: WhatsApp's file for a call, fetched by the relay (which holds the
 * token) for the agent who answered that call and nobody else.
 */
export function createMediaRoute(deps: MediaRouteDeps) {
  return async function mediaRoute(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    const match = PATH.exec(url.pathname);
    if (!match) return false;
    if (req.method !== 'GET') {
      plain(res, 405, 'GET only');
      return true;
    }
    const who = await deps.signedInAgent(req.headers.authorization);
    if ('refused' in who) {
      plain(res, 401, who.refused);
      return true;
    }
    let callId: string;
    try {
      callId = decodeURIComponent(match[1]!);
    } catch {
      plain(res, 400, 'malformed call id');
      return true;
    }
    const kind = match[2] as CallMediaNotice['kind'];
    if ((await deps.store.owner(callId)) !== who.agentId) {
      deps.log.warn('media refused: not the agent of this call', { agentId: who.agentId, callId });
      plain(res, 403, 'this call is not yours');
      return true;
    }
    const notice = await deps.store.media(callId, kind);
    if (!notice) {
      plain(res, 404, `WhatsApp has sent no ${kind} for this call`);
      return true;
    }
    try {
      const file = await deps.download(notice, RELAY_MEDIA_MAX_BYTES);
      res.writeHead(200, {
        'Content-Type': notice.mimeType ?? file.mimeType ?? 'application/octet-stream',
        'Content-Length': String(file.bytes.byteLength),
        'Cache-Control': 'no-store',
      });
      res.end(file.bytes);
    } catch (error) {
      deps.log.warn('media download for an agent failed', { callId, kind, error: errorText(error) });
      plain(res, 502, `WhatsApp's ${kind} could not be downloaded`);
    }
    return true;
  };
}
