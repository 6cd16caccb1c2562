import { bearerToken } from '../bearerToken';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { AuditEntry } from '../../shared/auditSchemas';
import { errorText } from '../../shared/errorText';
import { CustomerDataRequest, type CustomerDataCounts, type CustomerDataReply } from '../../shared/retention';
import { settingsProblems } from '../../shared/teamSettings';
import { requestClient } from '../../whatsapp/clientAddress';
import { customerDigest } from '../../whatsapp/customerDigest';
import type { Logger } from '../../whatsapp/logger';
import { readCappedBody } from '../../whatsapp/readCappedBody';
import type { SupervisorCheck } from '../agentTokens';
import { tarStream } from '../admin/tarArchive';
import type { TeamData } from '../admin/teamData';

const BODY_MAX = 1024;

const json = (res: ServerResponse, status: number, body: unknown): void =>
  void res
    .writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
    .end(JSON.stringify(body));
const text = (res: ServerResponse, status: number, body: string): void =>
  void res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(body);

/** How the audit trail names a customer: by the start of their digest, so the append-only trail keeps no number. */
export const auditedCustomer = (customer: string) => `customer #${customerDigest(customer).slice(0, 16)}`;
const countsText = (c: CustomerDataCounts) =>
  `calls: ${c.calls}, notes: ${c.notes}, room recordings: ${c.roomRecordings}, transcripts: ${c.transcripts}, survey answers: ${c.surveyAnswers}`;

/**
 * POST /board/api/customer-data `{ customer, action }`, for an admin only: `export` answers one tar.gz of everything
 * the team keeps about the customer; `erase` removes it all and lists the customer for desks to forget. Both are
 * written to the audit trail; a customer the team keeps nothing about is answered 404 with the counts at zero.
 */
export function createCustomerDataApi(deps: {
  checkToken(token: string): Promise<SupervisorCheck>;
  data?: TeamData;
  audit?(entry: AuditEntry): void;
  /** Removes what Redis keeps about the customer (open surveys, routing and permission marks); before the rest. */
  forgetElsewhere?(customer: string): Promise<number>;
  /** An erasure on this instance: its desks hear of it now, others' desks within seconds or when they connect. */
  onErased?(): void;
  trustedProxies?: string[];
  log: Logger;
}) {
  const { log } = deps;
  return async function customerData(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return text(res, 405, 'POST only\n');
    const token = bearerToken(req.headers.authorization);
    const check = token ? await deps.checkToken(token) : ({ ok: false, reason: 'no token' } as const);
    if (!check.ok) return text(res, 401, 'Exporting or erasing a customer’s data needs an admin sign-in.\n');
    if (check.role !== 'admin') return text(res, 403, 'Only an admin may export or erase a customer’s data.\n');
    if (!deps.data)
      return text(res, 404, 'Customer data is kept only with the call records (RELAY_DATABASE_URL on the relay).\n');
    const body = await readCappedBody(req, res, { maxBytes: BODY_MAX });
    if (!body.ok)
      return body.status === 413
        ? text(res, 413, 'The request is longer than 1 KB.\n')
        : text(res, 408, 'The request took too long to arrive.\n');
    let raw: unknown;
    try {
      raw = JSON.parse(body.text);
    } catch {
      return json(res, 400, { problems: ['(request): not JSON'] });
    }
    const parsed = CustomerDataRequest.safeParse(raw);
    if (!parsed.success) return json(res, 400, { problems: settingsProblems(parsed.error) });
    const { customer, action } = parsed.data;
    const audit = (found: CustomerDataCounts) =>
      deps.audit?.({
        actor: check.agentId,
        role: check.role,
        action: action === 'erase' ? 'erase_customer' : 'export_customer',
        target: auditedCustomer(customer),
        detail: found.calls === 0 ? 'nothing kept at the team' : countsText(found),
        source: requestClient(req, deps.trustedProxies),
      });
    try {
      if (action === 'erase') {
        // Redis first: should it fail, nothing is erased yet and the admin's retry finds everything still there.
        const inRedis = (await deps.forgetElsewhere?.(customer)) ?? 0;
        const found = await deps.data.erase(customer, check.agentId);
        audit(found);
        log.info('customer data erased', { by: check.agentId, ...found, redisKeys: inRedis });
        deps.onErased?.();
        return json(res, found.calls === 0 ? 404 : 200, { found } satisfies CustomerDataReply);
      }
      const { counts, entries } = await deps.data.archive(customer);
      // A look that found nothing is audited too: whether the team holds anything on a number is itself worth a trace.
      audit(counts);
      if (counts.calls === 0) return json(res, 404, { found: counts } satisfies CustomerDataReply);
      res.writeHead(200, {
        'Content-Type': 'application/gzip',
        'Content-Disposition': `attachment; filename="customer-${customer}.tar.gz"`,
        // What the archive holds, counted, for the page to say beside the download.
        'X-Customer-Data': JSON.stringify(counts),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      // A file that fails half-way ends this response (the archive is then visibly cut), never the process.
      await pipeline(tarStream(entries), createGzip(), res).catch((error: unknown) => {
        log.warn('customer archive not sent whole', { error: errorText(error) });
        res.destroy();
      });
    } catch (error) {
      log.warn('customer data not read or erased', { error: errorText(error) });
      if (!res.headersSent) text(res, 503, 'The call records database does not answer; try again in a moment.\n');
    }
  };
}
