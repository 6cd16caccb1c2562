import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Without company sign-in set up, `/auth/company` says so (`{"enabled":false}`): the sign-in pages hide the button
 * without a failed request in every visitor's console (it fell through to the desks' WebSocket-only 426).
 */
export async function companySignInOff(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if ((req.url ?? '/').split('?')[0] !== '/auth/company') return false;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ enabled: false }));
  return true;
}
