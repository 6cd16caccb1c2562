import { bearerToken } from '../bearerToken';
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorText } from '../../shared/errorText';
import { ReportQuery, type Report } from '../../shared/reportSchemas';
import { inScope } from '../../shared/supervisorScope';
import type { Logger } from '../../whatsapp/logger';
import type { SupervisorCheck } from '../agentTokens';
import type { BoardSource } from './boardSource';
import { reportCsv } from './reportFigures';
import { AuditQuery, type AuditEntry, type AuditRow } from '../../shared/auditSchemas';
import { requestClient } from '../../whatsapp/clientAddress';
import { auditCsv } from '../audit/auditTrail';
import { TeamSettings, TeamSettingsChange } from '../../shared/teamSettings';
import { ruleRefusal, settingsRefusal, type SettingsRefusal } from '../../shared/settingsRules';
import type { TeamSettingsStore } from '../admin/teamSettingsStore';
import { sameValue } from '../admin/versionedStore';
import { readCappedBody } from '../../whatsapp/readCappedBody';

const SETTINGS_BODY_MAX = 16 * 1024;

/** The audit trail as the admin view reads it. */
export interface AuditReader {
  read(query: Pick<AuditQuery, 'from' | 'to'>): Promise<AuditRow[]>;
}

type Reply = (status: number, body: string, type?: string, extra?: Record<string, string>) => void;

const replyTo =
  (res: ServerResponse): Reply =>
  (status, body, type = 'text/plain; charset=utf-8', extra = {}) => {
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
    res.end(body);
  };

/**
 * The board's HTTP API (reports, recordings). Every request carries the supervisor's token and is checked at that
 * moment (signature, expiry, revocation), and answers only within the supervisor's queues.
 */
export function createBoardApi(deps: {
  source: Pick<BoardSource, 'report' | 'queueOfCall'> & Partial<Pick<BoardSource, 'queueIds'>>;
  checkToken(token: string): Promise<SupervisorCheck>;
  /** Where a call's room recording is on this machine; undefined when there is none. */
  roomRecording?(callId: string): Promise<string | undefined>;
  audit?(entry: AuditEntry): void;
  auditTrail?: AuditReader;
  teamSettings?: Pick<TeamSettingsStore, 'latest' | 'save'>;
  /** What is in force before an admin saved any version: shown on a first visit and kept by a partial first save. */
  settingsBeforeAny?(): TeamSettings;
  trustedProxies?: string[];
  log: Logger;
}) {
  const { source, log } = deps;
  /** One line of the audit trail for what this request's supervisor did. */
  const audit = (
    req: IncomingMessage,
    check: SupervisorCheck & { ok: true },
    entry: Pick<AuditEntry, 'action' | 'target' | 'detail'>,
  ) =>
    deps.audit?.({
      actor: check.agentId,
      role: check.role,
      source: requestClient(req, deps.trustedProxies),
      ...entry,
    });

  /** The settings as a supervisor sees them: the hours of the queues their board shows, not the others'. */
  function seenBy<T extends { settings: TeamSettings }>(check: SupervisorCheck & { ok: true }, shown: T): T {
    const hours = shown.settings.queueHours;
    if (check.role === 'admin' || !check.queues || !hours) return shown;
    const scope = { queues: check.queues };
    const queueHours = Object.fromEntries(Object.entries(hours).filter(([id]) => inScope(scope, id)));
    return { ...shown, settings: { ...shown.settings, queueHours } };
  }

  async function supervisorOf(req: IncomingMessage): Promise<SupervisorCheck> {
    const token = bearerToken(req.headers.authorization);
    return token ? deps.checkToken(token) : { ok: false, reason: 'no token' };
  }

  /** GET /board/api/report?from=YYYY-MM-DD&to=YYYY-MM-DD&bucket=hour|day&format=json|csv, for a supervisor. */
  async function report(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = replyTo(res);
    if (req.method !== 'GET') return reply(405, 'GET only\n');
    const check = await supervisorOf(req);
    if (!check.ok) return reply(401, 'Reports need a supervisor token.\n');
    const params = Object.fromEntries(new URL(req.url ?? '/', 'http://relay').searchParams);
    const query = ReportQuery.safeParse(params);
    if (!query.success) return reply(400, `${query.error.issues.map((i) => i.message).join('; ')}\n`);
    let built: Report | undefined;
    try {
      built = await source.report(query.data, { queues: check.queues });
    } catch (error) {
      log.warn('report not built', { error: errorText(error) });
      return reply(503, 'The call records database does not answer; try again in a moment.\n');
    }
    if (!built) return reply(404, 'Reports need the call records (RELAY_DATABASE_URL on the relay).\n');
    // Read on screen (JSON) is a view; only the CSV leaves the board as an export.
    audit(req, check, {
      action: query.data.format === 'csv' ? 'export_report' : 'view_report',
      detail: `${params.from}..${params.to} by ${query.data.bucket}${query.data.format === 'csv' ? ' as csv' : ''}`,
    });
    if (query.data.format === 'csv')
      return reply(200, reportCsv(built), 'text/csv; charset=utf-8', {
        'Content-Disposition': `attachment; filename="calls-${params.from}-${params.to}.csv"`,
      });
    reply(200, JSON.stringify(built), 'application/json');
  }

  /** The recording's file, or the reply that refuses it. */
  async function recordingFile(check: SupervisorCheck & { ok: true }, callId: string, reply: Reply) {
    try {
      if (check.queues && !inScope({ queues: check.queues }, await source.queueOfCall(callId)))
        return reply(403, 'This call is in a queue outside your board.\n');
      const file = await deps.roomRecording?.(callId);
      if (file && existsSync(file)) return file;
      reply(404, 'This call has no recording on this server.\n');
    } catch (error) {
      log.warn('recording not looked up', { error: errorText(error) });
      reply(503, 'The call records database does not answer; try again in a moment.\n');
    }
    return undefined;
  }

  /** GET /board/api/recording?callId=…: the call's room recording (WAV), for a supervisor. */
  async function recording(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = replyTo(res);
    if (req.method !== 'GET') return reply(405, 'GET only\n');
    const check = await supervisorOf(req);
    if (!check.ok) return reply(401, 'Recordings need a supervisor token.\n');
    const callId = new URL(req.url ?? '/', 'http://relay').searchParams.get('callId') ?? '';
    if (!/^[\w.:=-]{1,256}$/.test(callId)) return reply(400, 'callId is missing or malformed.\n');
    const file = await recordingFile(check, callId, reply);
    if (!file) return;
    log.info('supervisor played a call recording', { supervisor: check.agentId, callId });
    audit(req, check, { action: 'play_recording', target: callId });
    res.writeHead(200, {
      'Content-Type': 'audio/wav',
      'Content-Length': statSync(file).size,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    // A file removed between the check and the read ends this response, never the process.
    createReadStream(file)
      .on('error', (error) => {
        log.warn('recording not read', { callId, error: errorText(error) });
        res.destroy();
      })
      .pipe(res);
  }

  /** GET /board/api/audit?from=YYYY-MM-DD&to=YYYY-MM-DD&format=json|csv: the audit trail, for an admin only. */
  async function auditView(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = replyTo(res);
    if (req.method !== 'GET') return reply(405, 'GET only\n');
    const check = await supervisorOf(req);
    if (!check.ok) return reply(401, 'The audit trail needs an admin sign-in.\n');
    if (check.role !== 'admin') return reply(403, 'Only an admin may read the audit trail.\n');
    const params = Object.fromEntries(new URL(req.url ?? '/', 'http://relay').searchParams);
    const query = AuditQuery.safeParse(params);
    if (!query.success) return reply(400, `${query.error.issues.map((i) => i.message).join('; ')}\n`);
    if (!deps.auditTrail)
      return reply(404, 'The audit trail needs the call records (RELAY_DATABASE_URL on the relay).\n');
    let rows: AuditRow[];
    try {
      rows = await deps.auditTrail.read(query.data);
    } catch (error) {
      log.warn('audit trail not read', { error: errorText(error) });
      return reply(503, 'The call records database does not answer; try again in a moment.\n');
    }
    audit(req, check, {
      action: query.data.format === 'csv' ? 'export_audit' : 'view_audit',
      detail: `${query.data.from}..${query.data.to}${query.data.format === 'csv' ? ' as csv' : ''}`,
    });
    if (query.data.format === 'csv')
      return reply(200, auditCsv(rows), 'text/csv; charset=utf-8', {
        'Content-Disposition': `attachment; filename="audit-${query.data.from}-${query.data.to}.csv"`,
      });
    reply(200, JSON.stringify(rows), 'application/json');
  }

  /**
   * GET/PUT /board/api/settings: the team's not-ready reasons, wrap-up codes, thresholds, retention and queue hours.
   * A supervisor reads them (the hours of their own queues only); only an admin changes them.
   */
  async function settings(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = replyTo(res);
    const refused = (body: SettingsRefusal) => reply(400, JSON.stringify(body), 'application/json');
    if (req.method !== 'GET' && req.method !== 'PUT') return reply(405, 'GET or PUT only\n');
    const check = await supervisorOf(req);
    if (!check.ok) return reply(401, 'The team settings need a supervisor or admin sign-in.\n');
    if (req.method === 'PUT' && check.role !== 'admin')
      return reply(403, 'Only an admin may change the team settings.\n');
    if (!deps.teamSettings)
      return reply(404, 'The team settings need the call records (RELAY_DATABASE_URL on the relay).\n');
    try {
      if (req.method === 'GET') {
        const current = await deps.teamSettings.latest();
        const before = deps.settingsBeforeAny?.();
        // Version 0: nothing saved yet, the relay's own reasons and the default outcome codes are in force.
        const shown = current ?? (before && { version: 0, settings: before, changedBy: '', changedAt: '' });
        return reply(200, JSON.stringify(shown ? seenBy(check, shown) : null), 'application/json');
      }
      const body = await readCappedBody(req, res, { maxBytes: SETTINGS_BODY_MAX });
      if (!body.ok)
        return body.status === 413
          ? reply(413, 'The settings are longer than 16 KB.\n')
          : reply(408, 'The settings took too long to arrive.\n');
      let raw: unknown;
      try {
        raw = JSON.parse(body.text);
      } catch {
        return refused(ruleRefusal([{ path: [], rule: 'notJson' }]));
      }
      const change = TeamSettingsChange.safeParse(raw);
      if (!change.success) return refused(settingsRefusal(change.error.issues));
      const { basedOn, ...given } = change.data;
      const current = await deps.teamSettings.latest();
      // Someone saved since this admin looked: theirs is not silently undone, and the reply names the newest.
      const changedSince = (newest = current) =>
        reply(409, JSON.stringify({ version: newest?.version, changedBy: newest?.changedBy }), 'application/json');
      if (basedOn !== undefined && basedOn !== (current?.version ?? 0)) return changedSince();
      // The fields given replace those in force; the ones left out stay as they are.
      const parsed = TeamSettings.safeParse({ ...(current?.settings ?? deps.settingsBeforeAny?.()), ...given });
      if (!parsed.success) return refused(settingsRefusal(parsed.error.issues));
      // Only hours this change gives are checked: a queue removed from the file since does not block other fields.
      const known = source.queueIds?.() ?? [];
      const unknownQueues = Object.keys(given.queueHours ?? {}).filter((id) => !known.includes(id));
      if (unknownQueues.length > 0)
        return refused(
          ruleRefusal(
            unknownQueues.map((id) => ({ path: ['queueHours', id], rule: 'unknownQueue', params: { queue: id } })),
          ),
        );
      // A save that changes nothing is no new version, nor a change in the audit trail.
      if (current && sameValue(current.settings, parsed.data))
        return reply(200, JSON.stringify({ version: current.version, unchanged: true }), 'application/json');
      const version = await deps.teamSettings.save(parsed.data, check.agentId, basedOn);
      if (version === undefined) return changedSince(await deps.teamSettings.latest());
      audit(req, check, {
        action: 'config_change',
        target: `team settings v${version}`,
        detail: JSON.stringify(parsed.data).slice(0, 2000),
      });
      reply(200, JSON.stringify({ version }), 'application/json');
    } catch (error) {
      log.warn('team settings not read or saved', { error: errorText(error) });
      reply(503, 'The call records database does not answer; try again in a moment.\n');
    }
  }

  return { report, recording, audit: auditView, settings };
}
