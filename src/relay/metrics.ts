import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AccountAlert } from '../shared/accountAlerts';
import { KNOWN_CALL_ERROR_CODES } from '../shared/callErrors';
import { TurnedAwayReason } from '../shared/teamQueues';
import type { ConnectionRefusal } from '../whatsapp/connectionGuard';

/** Every reason a connection is refused (a record, so a new reason cannot be left out here). */
const REFUSALS: Record<ConnectionRefusal, true> = {
  port_full: true,
  address_full: true,
  no_request_in_time: true,
  no_message_in_time: true,
  gave_way: true,
};
/** prom-client's default gauges that sum another gauge's labels under a counter's suffix: the sum is `sum()`'s job. */
const GAUGES_NAMED_TOTAL = [
  'nodejs_active_resources_total',
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
];

/** What the relay reports for Prometheus; one registry per instance, so instances in one process stay apart. */
export interface RelayMetricsSources {
  /** Signed-in agents per status, across the team (from Redis). */
  agentsByStatus(): Promise<Record<string, number>>;
  /** Whether Redis answers a PING now. */
  redisUp(): Promise<boolean>;
  /** Webhook deliveries refused so far by this instance (bad signature, too large, flood). */
  webhooksRefused(): number;
  /** Whether PostgreSQL takes call records now; undefined when the relay keeps none. */
  postgresUp?(): Promise<boolean>;
  /** Call-record events waiting in Redis for PostgreSQL. */
  recordsWaiting?(): Promise<number>;
  /** Connections open now, by port. */
  openConnections?(): Record<string, number>;
  /**
   * The queues in force now (the file's, with those an admin added or removed on the board), so each one's series is
   * there from the start, a queue added later included; calls without a queue are counted under 'team'.
   */
  queues?(): string[];
  /** Queues with a bot (answering first or taking calls handed back), whose bot series are there from the start. */
  botQueues?: string[];
  /**
   * Whether this instance exports the team-wide gauges now (it holds the team's lease): figures read from Redis are
   * the same on every instance, so only one exports them and `sum()` over instances counts each once.
   */
  exportsTeamFigures?(): boolean;
  /** Calls waiting for an agent now, per queue, with when the longest-waiting one came in (with a queues file). */
  queueWaits?(): Promise<Map<string, { waiting: number; oldestSinceMs: number }>>;
  /** Queues that may offer callbacks now, whose series are there from the start. */
  callbackQueues?(): string[];
  /** Callbacks not yet done (waiting for an agent, offered to one, or being placed), per queue. */
  callbacksWaiting?(): Promise<Map<string, number>>;
}

/** What happened to queue callbacks, as wa_relay_callbacks_total counts it. */
export const CALLBACK_RESULTS = [
  'offered',
  'accepted',
  'declined',
  'placed',
  'completed',
  'failed',
  'expired',
] as const;
export type CallbackResult = (typeof CALLBACK_RESULTS)[number];

export function createRelayMetrics(sources: RelayMetricsSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'wa_relay_' });
  for (const name of GAUGES_NAMED_TOTAL) registry.removeSingleMetric(`wa_relay_${name}`);
  const teamFigures = sources.exportsTeamFigures ?? (() => true);
  const queuesNow = () => sources.queues?.() ?? [];
  const offered = new Counter({
    name: 'wa_relay_calls_offered_total',
    help: 'WhatsApp calls this instance took from Meta and offered to the team',
    labelNames: ['queue'],
    registers: [registry],
    // The first queue-labelled series read in a scrape: a queue added since the last one gets its series here, at 0.
    collect: () => seriesForNewQueues(),
  });
  const answered = new Counter({
    name: 'wa_relay_calls_answered_total',
    help: 'Calls an agent accepted through this instance',
    labelNames: ['queue'],
    registers: [registry],
  });
  const missed = new Counter({
    name: 'wa_relay_calls_missed_total',
    help: 'Calls that ended before any agent answered (terminate seen by this instance)',
    labelNames: ['queue'],
    registers: [registry],
  });
  const turnedAway = new Counter({
    name: 'wa_relay_calls_turned_away_total',
    help: 'Calls a queue turned away without ringing anyone: closed (its hours, a holiday) or waited past its maximum',
    labelNames: ['queue', 'reason'],
    registers: [registry],
  });
  const ringTime = new Histogram({
    name: 'wa_relay_ring_time_seconds',
    help: "From the call's start (Meta's timestamp) until an agent accepted it",
    labelNames: ['queue'],
    buckets: [1, 2, 5, 10, 15, 20, 30, 45, 60],
    registers: [registry],
  });
  const handleTime = new Histogram({
    name: 'wa_relay_handle_time_seconds',
    help: 'Talk time of answered calls, as Meta bills it (its terminate webhook)',
    labelNames: ['queue'],
    buckets: [15, 30, 60, 120, 300, 600, 1200, 1800, 3600],
    registers: [registry],
  });
  const graphErrors = new Counter({
    name: 'wa_relay_graph_api_errors_total',
    help: "Graph API requests WhatsApp refused, by Meta's error code (0: no code, a network or timeout failure)",
    labelNames: ['code'],
    registers: [registry],
  });
  const accountAlerts = new Counter({
    name: 'wa_relay_account_alerts_total',
    help: "WhatsApp's alerts about the number (account_update restrictions and warnings, errors about no one call, settings changed), by kind and Meta's type or code",
    labelNames: ['kind', 'type'],
    registers: [registry],
  });
  // Restriction type -> when it ends (Infinity: Meta gave no end).
  const restrictions = new Map<string, number>();
  new Gauge({
    name: 'wa_relay_calling_restricted',
    help: 'WhatsApp restricts calling on the number now (1), by restriction type, until the expiry Meta gave',
    labelNames: ['type'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [type, until] of restrictions) this.set({ type }, until > Date.now() ? 1 : 0);
    },
  });
  const botCalls = new Counter({
    name: 'wa_relay_bot_calls_total',
    help: "Calls a bot took through this instance, by queue and how: the queue's bot answering first, or hand_back (an agent handed the call to a bot)",
    labelNames: ['queue', 'how'],
    registers: [registry],
  });
  const botHandOvers = new Counter({
    name: 'wa_relay_bot_handovers_total',
    help: 'Calls that left a bot for a queue of agents, by the queue they went to and outcome: escalated (the bot asked), failed (the bot could not take the call or went away)',
    labelNames: ['queue', 'outcome'],
    registers: [registry],
  });
  const callbacks = new Counter({
    name: 'wa_relay_callbacks_total',
    help: "Queue callbacks by queue and result: offered to the customer (the buttons message WhatsApp took), accepted or declined by the customer's tap, placed by an agent, completed (the customer answered), failed (given up after the last attempt or a refused call permission), expired",
    labelNames: ['queue', 'result'],
    registers: [registry],
  });
  const stale = new Counter({
    name: 'wa_relay_stale_calls_dropped_total',
    help: 'Call connects this instance did not ring because they came too late to answer (acknowledged to Meta)',
    registers: [registry],
  });
  const connectionsRefused = new Counter({
    name: 'wa_relay_connections_refused_total',
    help: 'Connections refused or closed by the caps and deadlines, by port and reason (a flood shows here)',
    labelNames: ['port', 'reason'],
    registers: [registry],
  });
  let refusedSeen = 0;
  new Counter({
    name: 'wa_relay_webhook_deliveries_refused_total',
    help: 'Webhook deliveries this instance refused (bad signature, too large, too many at once)',
    registers: [registry],
    collect() {
      const now = sources.webhooksRefused();
      if (now > refusedSeen) this.inc(now - refusedSeen);
      refusedSeen = now;
    },
  });
  new Gauge({
    name: 'wa_relay_agents',
    help: 'Agents of the team by status (team-wide: exported by the instance holding the team lease only)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      if (!teamFigures()) return;
      const counts = await sources.agentsByStatus().catch(() => undefined);
      for (const [status, n] of Object.entries(counts ?? {})) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'wa_relay_team_metrics_holder',
    help: '1 on the one instance that exports the team-wide gauges now (it holds the team lease), 0 on the others',
    registers: [registry],
    collect() {
      this.set(teamFigures() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'wa_relay_redis_up',
    help: '1 when Redis answers, 0 when it does not',
    registers: [registry],
    async collect() {
      this.set((await sources.redisUp()) ? 1 : 0);
    },
  });

  if (sources.queueWaits) {
    const queueWaits = sources.queueWaits;
    // The queues in force, and any a call still waits in after an admin removed it.
    const queuesOf = (now: Map<string, unknown>) => new Set([...queuesNow(), ...now.keys()]);
    let read: Promise<Map<string, { waiting: number; oldestSinceMs: number }> | undefined> | undefined;
    // Both gauges come from one read per scrape.
    const waits = () =>
      (read ??= queueWaits().catch(() => undefined)).finally(() => setTimeout(() => (read = undefined)));
    new Gauge({
      name: 'wa_relay_queue_calls_waiting',
      help: 'Calls waiting for an agent now, per queue (team-wide: exported by the instance holding the team lease only)',
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        this.reset();
        if (!teamFigures()) return;
        const now = await waits();
        if (now) for (const queue of queuesOf(now)) this.set({ queue }, now.get(queue)?.waiting ?? 0);
      },
    });
    new Gauge({
      name: 'wa_relay_queue_longest_wait_seconds',
      help: 'How long the call waiting longest in each queue has waited (0: none waits; team-wide like the above)',
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        this.reset();
        if (!teamFigures()) return;
        const now = await waits();
        const at = Date.now();
        if (now)
          for (const queue of queuesOf(now)) {
            const oldest = now.get(queue)?.oldestSinceMs;
            this.set({ queue }, oldest === undefined ? 0 : Math.max(0, (at - oldest) / 1000));
          }
      },
    });
  }
  if (sources.callbacksWaiting) {
    const waiting = sources.callbacksWaiting;
    new Gauge({
      name: 'wa_relay_callbacks_waiting',
      help: 'Callbacks not yet done now (waiting for an agent, offered to one, or being placed), per queue (team-wide: exported by the instance holding the team lease only)',
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        this.reset();
        if (!teamFigures()) return;
        const now = await waiting().catch(() => undefined);
        if (!now) return;
        const queues = new Set([...(sources.callbackQueues?.() ?? []), ...now.keys()]);
        for (const queue of queues) this.set({ queue }, now.get(queue) ?? 0);
      },
    });
  }
  if (sources.openConnections) {
    const open = sources.openConnections;
    new Gauge({
      name: 'wa_relay_open_connections',
      help: 'Connections open now on this instance, by port (capped; see wa_relay_connections_refused_total)',
      labelNames: ['port'],
      registers: [registry],
      collect() {
        for (const [port, n] of Object.entries(open())) this.set({ port }, n);
      },
    });
  }
  if (sources.postgresUp) {
    const postgresUp = sources.postgresUp;
    new Gauge({
      name: 'wa_relay_postgres_up',
      help: '1 when PostgreSQL takes call records, 0 when it does not (records then wait in Redis)',
      registers: [registry],
      async collect() {
        this.set((await postgresUp()) ? 1 : 0);
      },
    });
  }
  if (sources.recordsWaiting) {
    const waiting = sources.recordsWaiting;
    new Gauge({
      name: 'wa_relay_call_records_waiting',
      help: 'Call-record events waiting in Redis to be written to PostgreSQL (team-wide: one instance exports it)',
      registers: [registry],
      async collect() {
        this.reset();
        if (teamFigures()) this.set(await waiting().catch(() => 0));
      },
    });
  }

  // Every labelled series whose labels are known is there from the start, at 0; a queue's from when it exists.
  const queuesWithSeries = new Set<string>();
  const callbackQueuesWithSeries = new Set<string>();
  function seriesForNewQueues(): void {
    for (const queue of [...queuesNow(), 'team']) {
      if (queuesWithSeries.has(queue)) continue;
      queuesWithSeries.add(queue);
      for (const counter of [offered, answered, missed]) counter.inc({ queue }, 0);
      if (queue !== 'team') for (const reason of TurnedAwayReason.options) turnedAway.inc({ queue, reason }, 0);
      ringTime.zero({ queue });
      handleTime.zero({ queue });
    }
    for (const queue of sources.callbackQueues?.() ?? []) {
      if (callbackQueuesWithSeries.has(queue)) continue;
      callbackQueuesWithSeries.add(queue);
      for (const result of CALLBACK_RESULTS) callbacks.inc({ queue, result }, 0);
    }
  }
  seriesForNewQueues();
  for (const queue of sources.botQueues ?? []) {
    for (const how of ['first', 'hand_back']) botCalls.inc({ queue, how }, 0);
    for (const outcome of ['escalated', 'failed']) botHandOvers.inc({ queue, outcome }, 0);
  }
  for (const code of [0, ...KNOWN_CALL_ERROR_CODES]) graphErrors.inc({ code: String(code) }, 0);
  for (const port of ['webhook', 'agent'])
    for (const reason of Object.keys(REFUSALS)) connectionsRefused.inc({ port, reason }, 0);

  return {
    registry,
    callOffered: (queue = 'team') => offered.inc({ queue }),
    callAnswered(ringSeconds: number | undefined, queue = 'team') {
      answered.inc({ queue });
      if (ringSeconds !== undefined && ringSeconds >= 0) ringTime.observe({ queue }, ringSeconds);
    },
    callTurnedAway: (queue: string, reason: TurnedAwayReason) => turnedAway.inc({ queue, reason }),
    callEnded(answeredBySomeone: boolean, billedSeconds: number | undefined, queue = 'team') {
      if (!answeredBySomeone) missed.inc({ queue });
      else if (billedSeconds !== undefined) handleTime.observe({ queue }, billedSeconds);
    },
    graphError: (code: number | undefined) => graphErrors.inc({ code: String(code ?? 0) }),
    connectionRefused: (port: string, reason: string) => connectionsRefused.inc({ port, reason }),
    staleCallDropped: () => stale.inc(),
    callback: (queue: string, result: CallbackResult) => callbacks.inc({ queue, result }),
    botTook: (queue: string, handBack: boolean) => botCalls.inc({ queue, how: handBack ? 'hand_back' : 'first' }),
    botHandedOver: (queue: string, outcome: 'escalated' | 'failed') => botHandOvers.inc({ queue, outcome }),
    accountAlert(alert: AccountAlert) {
      const type =
        alert.kind === 'restriction'
          ? alert.restrictionType
          : alert.kind === 'warning'
            ? alert.warning
            : alert.kind === 'calling_error'
              ? String(alert.code ?? 0)
              : '';
      accountAlerts.inc({ kind: alert.kind, type });
      if (alert.kind === 'restriction') restrictions.set(type, alert.expiresAtMs ?? Infinity);
    },
  };
}
export type RelayMetrics = ReturnType<typeof createRelayMetrics>;
