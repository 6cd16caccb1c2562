import { bearerToken } from '../bearerToken';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditEntry } from '../../shared/auditSchemas';
import { errorText } from '../../shared/errorText';
import { inScope } from '../../shared/supervisorScope';
import { layoutChange, layoutOf, QueuesChange } from '../../shared/queueSettings';
import { ruleRefusal, settingsRefusal } from '../../shared/settingsRules';
import { requestClient } from '../../whatsapp/clientAddress';
import type { Logger } from '../../whatsapp/logger';
import { readCappedBody } from '../../whatsapp/readCappedBody';
import type { SupervisorCheck } from '../agentTokens';
import type { TeamQueuesStore } from '../admin/teamQueuesStore';
import { sameValue } from '../admin/versionedStore';
import type { LiveQueues } from '../liveQueues';

/** 200 queues of a few hundred members each fit; a body longer than this is refused unread. */
const BODY_MAX = 512 * 1024;
/** Half a megabyte from a browser on a slow link (about 20 KB a second) still arrives. */
const BODY_DEADLINE_MS = 30_000;

const json = (res: ServerResponse, status: number, body: unknown): void =>
  void res
    .writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
    .end(JSON.stringify(body));
const text = (res: ServerResponse, status: number, body: string): void =>
  void res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(body);

/**
 * GET/PUT /board/api/queues, read by a supervisor (their queues) and changed by an admin only: the queues' members and levels, ring strategy, ring time, overflow,
 * fallback and call waiting. A save is the whole layout with the version the admin was looking at (`basedOn`; 0 for
 * the queues file's): refused with 409 naming the newest when someone saved since, 400 naming each wrong field. A
 * saved version applies on every instance within seconds (they poll), and is written to the audit trail.
 */
export function createQueuesApi(deps: {
  checkToken(token: string): Promise<SupervisorCheck>;
  store?: Pick<TeamQueuesStore, 'latest' | 'save'>;
  live: Pick<LiveQueues, 'current' | 'check' | 'enabled'>;
  audit?(entry: AuditEntry): void;
  trustedProxies?: string[];
  log: Logger;
}) {
  const { store, live, log } = deps;

  /** The version in force and the layout the admin edits: the file's (version 0) until one is saved. */
  async function inForce() {
    const saved = await store!.latest();
    const queues = live.current()!;
    // The default queue takes the calls nothing else sends elsewhere: the page keeps it from being removed.
    const defaultQueue = queues.defaultQueue;
    return saved ? { ...saved, defaultQueue } : { version: 0, defaultQueue, layout: layoutOf(queues) };
  }

  return async function queues(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'PUT') return text(res, 405, 'GET or PUT only\n');
    const token = bearerToken(req.headers.authorization);
    const check = token ? await deps.checkToken(token) : ({ ok: false, reason: 'no token' } as const);
    if (!check.ok) return text(res, 401, 'The queues need a supervisor or admin sign-in.\n');
    // A supervisor reads the queues their board shows; only an admin changes them.
    if (req.method === 'PUT' && check.role !== 'admin') return text(res, 403, 'Only an admin may change the queues.\n');
    if (!live.enabled()) return text(res, 404, 'This relay has no queues (RELAY_QUEUES_FILE).\n');
    if (!store) return text(res, 404, 'Editing the queues needs the call records (RELAY_DATABASE_URL on the relay).\n');
    try {
      if (req.method === 'GET') {
        const current = await inForce();
        // An admin edits the whole layout (a queue left out of a save is removed): they read it whole.
        if (check.role === 'admin') return json(res, 200, current);
        const scope = { queues: check.queues };
        const queues = current.layout.queues.filter((q) => inScope(scope, q.id));
        return json(res, 200, { ...current, layout: { ...current.layout, queues } });
      }
      const body = await readCappedBody(req, res, { maxBytes: BODY_MAX, deadlineMs: BODY_DEADLINE_MS });
      if (!body.ok)
        return body.status === 413
          ? text(res, 413, `The queues are longer than ${BODY_MAX / 1024} KB.\n`)
          : text(res, 408, 'The queues took too long to arrive.\n');
      let raw: unknown;
      try {
        raw = JSON.parse(body.text);
      } catch {
        return json(res, 400, ruleRefusal([{ path: [], rule: 'notJson' }], '(queues)'));
      }
      const change = QueuesChange.safeParse(raw);
      if (!change.success) return json(res, 400, settingsRefusal(change.error.issues));
      const { basedOn, ...layout } = change.data;
      const current = await inForce();
      const changedSince = (newest: { version: number; changedBy?: string }) =>
        json(res, 409, { version: newest.version, changedBy: newest.changedBy });
      if (basedOn !== current.version) return changedSince(current);
      // Checked with the file's numbers, media and bots, as a whole queues file is (a fallback that is no queue...).
      const built = live.check(layout);
      if (built && 'problems' in built) return json(res, 400, built);
      // A save that changes nothing is no new version, nor a change in the audit trail.
      if (current.version > 0 && sameValue(current.layout, layout))
        return json(res, 200, { version: current.version, unchanged: true });
      const version = await store.save(layout, check.agentId, basedOn);
      if (version === undefined) return changedSince(await inForce());
      deps.audit?.({
        actor: check.agentId,
        role: check.role,
        action: 'config_change',
        target: `queues v${version}`,
        detail: layoutChange(current.layout, layout).slice(0, 2000),
        source: requestClient(req, deps.trustedProxies),
      });
      json(res, 200, { version });
    } catch (error) {
      log.warn('queues not read or saved', { error: errorText(error) });
      text(res, 503, 'The call records database does not answer; try again in a moment.\n');
    }
  };
}
