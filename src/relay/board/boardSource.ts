import { accountAlertSentence } from '../../shared/accountAlerts';
import type { AgentCall, BoardSnapshot } from '../../shared/boardSchemas';
import type { AccountAlertStore } from '../accountAlertStore';
import type { JoinedHow } from '../../shared/callRecords';
import { errorText } from '../../shared/errorText';
import { skillLevel, type TeamQueues } from '../../shared/teamQueues';
import { queueOpenAt } from '../queuePlan';
import type { Logger } from '../../whatsapp/logger';
import type { CallStore } from '../callStore';
import type { TeamFloor } from '../team/teamFloor';
import { ownerOf } from '../team/teamModel';
import type { RecordsDb } from '../records/recordsDb';
import type { RouteStore } from '../routeStore';
import { figuresOfLines } from './boardFigures';
import type { BotSessions } from '../bots/botSessions';
import { buildReport } from './reportFigures';
import type { Report } from '../../shared/reportSchemas';
import { inScope, type SupervisorScope } from '../../shared/supervisorScope';
import { agentsInScope } from './boardScope';
import type { BoardThresholds } from '../../shared/boardTiles';
import type { QueueCallback } from '../../shared/queueCallbacks';
import { holdsCallback } from '../callbacks/queueCallbacks';

/** Midnight today, on the relay's clock. */
function startOfToday(nowMs: number): Date {
  const day = new Date(nowMs);
  day.setHours(0, 0, 0, 0);
  return day;
}

/** What the supervisor board shows, read from Redis (live state) and PostgreSQL (today's figures). */
export function createBoardSource(deps: {
  store: CallStore;
  floor: TeamFloor;
  routes?: RouteStore;
  /** The queues in force now (an admin may change them on the board). */
  queues?: () => TeamQueues | undefined;
  db?: RecordsDb;
  serviceLevelSec: number;
  log: Logger;
  accountAlerts?: Pick<AccountAlertStore, 'list'>;
  /** The floor's thresholds in force now (team settings, applied without restart). */
  thresholds: () => BoardThresholds;
  /** The team's not-ready reasons in force now. */
  notReadyReasons?: () => string[];
  /** The clock business hours are read by (tests set it; the routing's own). */
  hoursClock?: () => number;
  /** Calls bots hold now (queues with bots). */
  heldByBots?: BotSessions['held'];
  /** Customers' callbacks not yet done, oldest call first. */
  callbacks?: () => Promise<QueueCallback[]>;
}) {
  const { store, floor, routes, queues, db, log } = deps;

  /** Calls in progress, each under the agent who holds it now in the team model (after a transfer, the colleague). */
  async function inProgress() {
    const active = await store.activeCalls();
    const owners = await floor.calls(active.map((c) => c.callId));
    return active.map((c, i) => {
      const call = owners[i];
      const owner = call && ownerOf(call);
      const held = call?.customerHeld ?? false;
      return { ...c, agent: owner?.id ?? c.agent, held, heldSinceMs: held ? call?.customerHeldSinceMs : undefined };
    });
  }
  /** The customers' usernames, where WhatsApp gave one with the call (its offer is kept while the call lasts). */
  async function usernames(callIds: string[]): Promise<Map<string, string>> {
    const offers = await store.offers(callIds).catch(() => []);
    return new Map(
      offers.flatMap((o, i) => (o?.callerUsername ? [[callIds[i]!, o.callerUsername] as [string, string]] : [])),
    );
  }
  const queueNames = () => Object.fromEntries((queues?.()?.queues ?? []).map((q) => [q.id, q.name]));
  const anchoredQueues = () =>
    new Set((queues?.()?.queues ?? []).filter((q) => q.media === 'anchored').map((q) => q.id));

  async function waiting(scope: SupervisorScope): Promise<BoardSnapshot['waiting']> {
    if (!routes) return [];
    const open = (await routes.waiting()).filter(({ route }) => inScope(scope, route.queueId));
    const rows = await Promise.all(
      open.map(async ({ callId, route }) => {
        const [offer, owner, ended, offered, declined] = await Promise.all([
          store.offer(callId),
          store.owner(callId),
          store.terminated(callId),
          store.offeredTo(callId),
          store.declined(callId),
        ]);
        if (!offer || owner || ended) return undefined;
        return {
          callId,
          queue: route.queueId,
          customer: offer.from,
          ...(offer.callerUsername && { username: offer.callerUsername }),
          sinceMs: route.startedAtMs,
          ringingAt: offered.filter((a) => !declined.includes(a)).sort(),
        };
      }),
    );
    return rows.filter((r) => r !== undefined).sort((a, b) => a.sinceMs - b.sinceMs);
  }

  /** Calls a bot holds now in the supervisor's queues (the queue's own bot, or a bot an agent handed the call to). */
  async function withAssistant(scope: SupervisorScope): Promise<BoardSnapshot['withAssistant']> {
    if (!deps.heldByBots) return [];
    const held = (await deps.heldByBots()).filter((h) => inScope(scope, h.queueId));
    const rows = await Promise.all(
      held.map(async (h) => {
        const [offer, ended] = await Promise.all([store.offer(h.callId), store.terminated(h.callId)]);
        if (!offer || ended) return undefined;
        const named = (queues?.()?.queues ?? []).find((q) => q.id === h.queueId)?.handBack.find((b) => b.id === h.bot);
        return {
          callId: h.callId,
          queue: h.queueId,
          ...(named && { bot: named.name }),
          customer: offer.from,
          ...(offer.callerUsername && { username: offer.callerUsername }),
          sinceMs: h.sinceMs,
        };
      }),
    );
    return rows.filter((r) => r !== undefined).sort((a, b) => a.sinceMs - b.sinceMs);
  }

  /** The figures' sums up to date: calls changed outside the record writer (an erasure, a sweep) counted in. */
  async function countChanged(db: RecordsDb): Promise<void> {
    await db.countStaleCalls(500);
  }

  async function today(nowMs: number, scope: SupervisorScope, counted: Promise<void>): Promise<BoardSnapshot['today']> {
    if (!db) return { ok: false, reason: 'Today’s figures need the call records (RELAY_DATABASE_URL).' };
    try {
      await counted;
      const from = startOfToday(nowMs);
      const to = new Date(from);
      to.setDate(to.getDate() + 1);
      const lines = await db.figureLines({ from, to }, scope.queues ?? null, deps.serviceLevelSec);
      return { ok: true, serviceLevelSec: deps.serviceLevelSec, ...figuresOfLines(lines) };
    } catch (error) {
      log.warn('board figures not read', { error: errorText(error) });
      return { ok: false, reason: 'The call records database does not answer; live state is still shown.' };
    }
  }

  /** The supervisor's queues' callbacks not yet done. */
  async function callbacks(scope: SupervisorScope): Promise<BoardSnapshot['callbacks']> {
    const all = (await deps.callbacks?.()) ?? [];
    return all
      .filter((c) => inScope(scope, c.queueId))
      .map((c) => ({
        callbackId: c.id,
        queue: c.queueId,
        customer: c.customer,
        sinceMs: c.arrivedAtMs,
        attempts: c.attempts,
        state: c.state === 'waiting' && c.awaitingPermission ? 'awaiting_permission' : c.state,
        ...(c.agentId !== undefined && { agent: c.agentId }),
      }));
  }

  /** Today's callbacks in the supervisor's queues: offered to customers, asked for, completed. */
  async function callbacksToday(
    nowMs: number,
    scope: SupervisorScope,
    counted: Promise<void>,
  ): Promise<BoardSnapshot['callbacksToday']> {
    if (!db || !deps.callbacks) return undefined;
    await counted;
    return db.callbackCounts(startOfToday(nowMs), scope.queues ?? null);
  }

  /** The supervisor's queues closed now by their business hours, and why. */
  function closedQueues(scope: SupervisorScope): BoardSnapshot['closedQueues'] {
    const nowMs = (deps.hoursClock ?? Date.now)();
    return (queues?.()?.queues ?? [])
      .filter((q) => inScope(scope, q.id))
      .flatMap((q) => {
        const open = queueOpenAt(q, nowMs);
        return open.open ? [] : [{ queue: q.id, why: open.why }];
      });
  }

  const queuesOf = (agentId: string) =>
    (queues?.()?.queues ?? []).filter((q) => skillLevel(q, agentId) !== undefined).map((q) => q.id);

  return {
    /** The queues in force, by id (the team settings name queues by them). */
    queueIds: (): string[] => (queues?.()?.queues ?? []).map((q) => q.id),
    /** What a supervisor with this scope sees: only their queues' calls, agents and figures. */
    async snapshot(scope: SupervisorScope): Promise<BoardSnapshot> {
      const nowMs = Date.now();
      // Once for both readers of the sums; each says for itself when the database does not answer.
      const counted = db ? countChanged(db) : Promise.resolve();
      counted.catch(() => undefined);
      const [waitingCalls, allActive, agents, figures, alerts, bots, waitingCallbacks, callbackFigures] =
        await Promise.all([
          waiting(scope),
          inProgress(),
          floor.agents(),
          today(nowMs, scope, counted),
          deps.accountAlerts?.list(nowMs).catch(() => []) ?? [],
          withAssistant(scope).catch((error: unknown) => {
            log.warn('calls with the assistant not read', { error: errorText(error) });
            return [];
          }),
          callbacks(scope).catch((error: unknown) => {
            log.warn('callbacks not read', { error: errorText(error) });
            return [];
          }),
          callbacksToday(nowMs, scope, counted).catch((error: unknown) => {
            log.warn('today’s callbacks not counted', { error: errorText(error) });
            return undefined;
          }),
        ]);
      const active = allActive.filter((c) => inScope(scope, c.queue));
      const anchored = anchoredQueues();
      const named = await usernames(active.map((c) => c.callId));
      return {
        atMs: nowMs,
        waiting: waitingCalls,
        withAssistant: bots,
        queues: (queues?.()?.queues ?? []).filter((q) => inScope(scope, q.id)).map((q) => q.id),
        queueNames: queueNames(),
        closedQueues: closedQueues(scope),
        callbacks: waitingCallbacks,
        ...(callbackFigures && { callbacksToday: callbackFigures }),
        thresholds: deps.thresholds(),
        notReadyReasons: deps.notReadyReasons?.() ?? [],
        inProgress: active
          .map((c) => ({
            callId: c.callId,
            queue: c.queue,
            agent: c.agent,
            customer: c.customer,
            ...(named.has(c.callId) && { username: named.get(c.callId) }),
            direction: c.direction,
            ...(c.callback && { callback: true }),
            sinceMs: c.sinceMs,
            ...(c.held && { held: true }),
            ...(c.heldSinceMs !== undefined && { heldSinceMs: c.heldSinceMs }),
            listenable: anchored.has(c.queue ?? ''),
          }))
          .sort((a, b) => a.sinceMs - b.sinceMs),
        agents: agentsInScope(
          agents.map((a) => ({
            id: a.id,
            state: a.state,
            ...(a.reason !== undefined && { reason: a.reason }),
            sinceMs: a.sinceMs,
            queues: queuesOf(a.id),
            chosen: a.activity.kind,
            ...(a.activity.kind === 'not_ready' && a.activity.reason && { chosenReason: a.activity.reason }),
            ...(a.state === 'reserved' && holdsCallback(a.reservations) && { holdingCallback: true }),
          })),
          scope,
        ).sort((a, b) => a.id.localeCompare(b.id)),
        // About the numbers, not a queue: every supervisor needs to know the team cannot take calls.
        accountAlerts: alerts.map((a) => ({ ...a, sentence: accountAlertSentence(a.alert) })),
        today: figures,
      };
    },
    /** The report over a range; undefined without call records. Throws when the database does not answer. */
    async report(
      range: { fromMs: number; toMs: number; bucket: 'hour' | 'day' },
      scope: SupervisorScope,
    ): Promise<Report | undefined> {
      if (!db) return undefined;
      await countChanged(db);
      const days = { from: new Date(range.fromMs), to: new Date(range.toMs) };
      const [lines, hours] = await Promise.all([
        db.figureLines(days, scope.queues ?? null, deps.serviceLevelSec),
        db.hourCounts(days, scope.queues ?? null),
      ]);
      return { ...buildReport(lines, hours, range, deps.serviceLevelSec), queueNames: queueNames() };
    },
    /** The agent serves one of the supervisor's queues, so the supervisor may read and set them. */
    servesScope: (agentId: string, scope: SupervisorScope): boolean =>
      !scope.queues || queuesOf(agentId).some((q) => inScope(scope, q)),
    /**
     * The queue a call went through: live state first, then the records (the queue a bot handed it to, as live state
     * says after the hand-over); undefined when neither knows.
     */
    async queueOfCall(callId: string): Promise<string | undefined> {
      const live = await store.queueOf(callId);
      if (live || !db) return live ?? undefined;
      const { rows } = await db.query<{ queue: string | null }>(
        'SELECT COALESCE(handed_to_queue, queue) AS queue FROM calls WHERE call_id = $1',
        [callId],
      );
      return rows[0]?.queue ?? undefined;
    },
    /**
     * An agent's recent calls in the supervisor's queues (a call a bot handed to one of them too): offered to them or
     * answered by them, newest first.
     */
    async agentCalls(agentId: string, scope: SupervisorScope): Promise<AgentCall[]> {
      if (!db) return [];
      const { rows } = await db.query<{
        call_id: string;
        customer: string;
        queue: string | null;
        offered_at: Date;
        answered: boolean;
        joined: JoinedHow | null;
        billed_seconds: number | null;
        outcome: string | null;
        notes: string | null;
        recorded: boolean;
      }>(
        `SELECT c.call_id, c.customer, c.queue, c.offered_at,
           (c.answered_by IS NOT DISTINCT FROM $1 OR p.agent_id IS NOT NULL) AS answered, p.joined,
           c.billed_seconds, c.outcome, c.notes, c.room_recording IS NOT NULL AS recorded
         FROM calls c
         LEFT JOIN LATERAL (
           SELECT agent_id, max(how) FILTER (WHERE how <> 'answered') AS joined FROM call_parties
           WHERE call_id = c.call_id AND agent_id = $1 GROUP BY agent_id
         ) p ON true
         WHERE (c.answered_by = $1 OR p.agent_id IS NOT NULL
             OR EXISTS (SELECT 1 FROM call_offers o WHERE o.call_id = c.call_id AND o.agent_id = $1))
           AND ($2::text[] IS NULL OR c.queue = ANY($2::text[]) OR c.handed_to_queue = ANY($2::text[]))
         ORDER BY c.offered_at DESC LIMIT 20`,
        [agentId, scope.queues ?? null],
      );
      return rows.map((r) => ({
        callId: r.call_id,
        customer: r.customer,
        queue: r.queue ?? undefined,
        offeredAtMs: r.offered_at.getTime(),
        answered: r.answered,
        ...(r.joined && { joined: r.joined }),
        talkSec: r.answered ? (r.billed_seconds ?? undefined) : undefined,
        outcome: r.answered ? (r.outcome ?? undefined) : undefined,
        notes: r.answered ? (r.notes ?? undefined) : undefined,
        recorded: r.recorded,
      }));
    },
  };
}
export type BoardSource = ReturnType<typeof createBoardSource>;
