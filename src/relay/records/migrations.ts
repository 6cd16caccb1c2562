/**
 * The call-records schema, one step per version, applied in order at relay start (under an advisory lock, so
 * instances starting together apply each step once). Never edit a step that has shipped: add the next one.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'calls and offers',
    sql: `
      CREATE TABLE calls (
        call_id text PRIMARY KEY,
        direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        customer text NOT NULL,
        customer_name text,
        queue text,
        phone_number_id text,
        offered_at timestamptz NOT NULL,
        answered_at timestamptz,
        answered_by text,
        ended_at timestamptz,
        end_status text,
        error_code integer,
        billed_seconds integer,
        outcome text,
        notes text,
        wrap_up_by text
      );
      CREATE INDEX calls_offered_at ON calls (offered_at);
      CREATE INDEX calls_customer ON calls (customer, offered_at DESC);
      CREATE TABLE call_offers (
        call_id text NOT NULL,
        agent_id text NOT NULL,
        offered_at timestamptz NOT NULL,
        PRIMARY KEY (call_id, agent_id)
      );
      CREATE INDEX call_offers_agent ON call_offers (agent_id, offered_at);`,
  },
  {
    version: 2,
    name: 'room recordings',
    sql: `ALTER TABLE calls ADD COLUMN room_recording text;`,
  },
  {
    // From here on every moment is the relay's own receipt to the millisecond, and Meta's whole-second stamp of the
    // call is kept beside it. Rows written before keep Meta's stamp in offered_at and NULL here: left as they are.
    version: 3,
    name: 'meta timestamp beside the relay receive time',
    sql: `ALTER TABLE calls ADD COLUMN meta_offered_at timestamptz;`,
  },
  {
    // How each ring at an agent ended, beside call_offers (which says it rang). Rings recorded before have no row.
    version: 4,
    name: 'ring outcomes',
    sql: `
      CREATE TABLE ring_outcomes (
        call_id text NOT NULL,
        agent_id text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('accepted', 'rejected', 'timed_out', 'rescinded')),
        ended_at timestamptz NOT NULL,
        PRIMARY KEY (call_id, agent_id)
      );`,
  },
  {
    // What WhatsApp echoes with a call's end: our biz_opaque_callback_data and the payloads the customer tapped.
    version: 5,
    name: 'callback data and payloads',
    sql: `
      ALTER TABLE calls ADD COLUMN callback_data text;
      ALTER TABLE calls ADD COLUMN cta_payload text;
      ALTER TABLE calls ADD COLUMN deeplink_payload text;`,
  },
  {
    // What the queue's bot learned before handing the call to agents: summary, facts and transcript, as JSON.
    version: 6,
    name: 'assistant hand-over',
    sql: `ALTER TABLE calls ADD COLUMN assistant jsonb;`,
  },
  {
    // Who did what, when and from where: every sign-in and every supervisor's or admin's action. Append-only: the
    // trigger refuses any change or removal, whoever asks.
    version: 7,
    name: 'audit trail',
    sql: `
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor text NOT NULL,
        role text NOT NULL,
        action text NOT NULL,
        target text,
        detail text,
        source text NOT NULL
      );
      CREATE INDEX audit_log_at ON audit_log (at);
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
      CREATE TRIGGER audit_log_unchanged BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();`,
  },
  {
    // The team's settings an admin changes from the board: every change is a new version, the newest applies.
    version: 8,
    name: 'team settings versions',
    sql: `
      CREATE TABLE team_settings (
        version serial PRIMARY KEY,
        settings jsonb NOT NULL,
        changed_by text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );`,
  },
  {
    // The customer's rating of the call (post-call survey on WhatsApp), 1 to 5, for the agent who answered it.
    version: 9,
    name: 'post-call survey',
    sql: `
      ALTER TABLE calls ADD COLUMN csat_score smallint CHECK (csat_score BETWEEN 1 AND 5);
      ALTER TABLE calls ADD COLUMN csat_agent text;
      ALTER TABLE calls ADD COLUMN csat_at timestamptz;`,
  },
  {
    // Calls a queue's bot answered first, and the bot an agent last handed the call back to (the board's figures).
    version: 10,
    name: 'bot calls',
    sql: `
      ALTER TABLE calls ADD COLUMN bot_answered_at timestamptz;
      ALTER TABLE calls ADD COLUMN handed_back_to text;`,
  },
  {
    // Customers an admin erased, by the SHA-256 of their number or user ID: desks forget them when they connect.
    version: 11,
    name: 'customer erasures',
    sql: `
      CREATE TABLE customer_erasures (
        id bigserial PRIMARY KEY,
        digest text NOT NULL,
        erased_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        erased_by text NOT NULL
      );
      CREATE INDEX customer_erasures_at ON customer_erasures (erased_at);`,
  },
  {
    // Why a queue turned a call away without an agent: closed (business hours, a holiday) or waited past its maximum.
    version: 12,
    name: 'turned away by the queue',
    sql: `ALTER TABLE calls ADD COLUMN turned_away text CHECK (turned_away IN ('closed', 'max_wait'));`,
  },
  {
    // Every agent who was on a call and how they came onto it: the one who answered, a colleague it was
    // transferred to, one who joined a conference. The board lists a call under each of them.
    version: 13,
    name: 'call parties',
    sql: `
      CREATE TABLE call_parties (
        call_id text NOT NULL,
        agent_id text NOT NULL,
        how text NOT NULL CHECK (how IN ('answered', 'transfer', 'conference')),
        joined_at timestamptz NOT NULL,
        PRIMARY KEY (call_id, agent_id, how)
      );
      CREATE INDEX call_parties_agent ON call_parties (agent_id, joined_at);`,
  },
  {
    // Each settings version names the one it replaced; unique, so of two saves made at once on the same version
    // one wins and the other is told, where a check-then-insert let both in.
    version: 14,
    name: 'team settings version chain',
    sql: `
      ALTER TABLE team_settings ADD COLUMN replaces int;
      CREATE UNIQUE INDEX team_settings_replaces ON team_settings (replaces);`,
  },
  {
    // The queues' members, levels and ringing an admin edits on the board, versioned apart from the team settings
    // so that an edit of one never refuses an edit of the other as stale. The queues file seeds it.
    version: 15,
    name: 'team queues versions',
    sql: `
      CREATE TABLE team_queues (
        version serial PRIMARY KEY,
        queues jsonb NOT NULL,
        changed_by text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        replaces int UNIQUE
      );`,
  },
  {
    // Customers' callbacks (a queue's turn-away action `callback`): offered, asked for, attempted, completed or not.
    version: 16,
    name: 'queue callbacks',
    sql: `
      CREATE TABLE callbacks (
        callback_id text PRIMARY KEY,
        call_id text NOT NULL,
        customer text NOT NULL,
        queue text NOT NULL,
        state text NOT NULL CHECK (state IN ('offered', 'declined', 'waiting', 'completed', 'failed', 'expired')),
        attempts smallint NOT NULL DEFAULT 0,
        last_failure text,
        agent_id text,
        placed_call_id text,
        offered_at timestamptz NOT NULL,
        accepted_at timestamptz,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX callbacks_offered ON callbacks (offered_at);`,
  },
  {
    // Calls an admin erased with their customer: events of theirs still on the way (a hang-up, a wrap-up, a rating)
    // are dropped instead of writing the call back.
    version: 17,
    name: 'erased calls',
    sql: `
      CREATE TABLE erased_calls (
        call_id text PRIMARY KEY,
        erased_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX erased_calls_at ON erased_calls (erased_at);`,
  },
  {
    // The board's figures as running sums, so that a rebuild reads a few rows a queue and agent instead of the day's
    // calls: per team day (the relays' clock), queue and agent (the queue's own line: ''), answer times in whole
    // seconds, calls per hour; each call's part (to take it back when the call changes), and the calls changed
    // since their part was counted (marked by triggers, so erasures, sweeps and direct writes are counted too).
    // Every call already kept is marked, and counted in by the relays in batches.
    version: 18,
    name: 'figure sums',
    sql: `
      CREATE TABLE figure_totals (
        day timestamptz NOT NULL,
        queue text NOT NULL,
        agent text NOT NULL,
        offered bigint NOT NULL DEFAULT 0,
        answered bigint NOT NULL DEFAULT 0,
        missed bigint NOT NULL DEFAULT 0,
        abandoned bigint NOT NULL DEFAULT 0,
        declined bigint NOT NULL DEFAULT 0,
        answer_ms bigint NOT NULL DEFAULT 0,
        handled bigint NOT NULL DEFAULT 0,
        handled_sec bigint NOT NULL DEFAULT 0,
        settled bigint NOT NULL DEFAULT 0,
        csat_sum bigint NOT NULL DEFAULT 0,
        csat_count bigint NOT NULL DEFAULT 0,
        closed bigint NOT NULL DEFAULT 0,
        waited_too_long bigint NOT NULL DEFAULT 0,
        bot_calls bigint NOT NULL DEFAULT 0,
        bot_alone bigint NOT NULL DEFAULT 0,
        bot_escalated bigint NOT NULL DEFAULT 0,
        bot_handed_back bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (day, queue, agent)
      );
      CREATE TABLE figure_answer_seconds (
        day timestamptz NOT NULL,
        queue text NOT NULL,
        agent text NOT NULL,
        second integer NOT NULL,
        calls bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (day, queue, agent, second)
      );
      CREATE TABLE figure_hours (
        day timestamptz NOT NULL,
        hour timestamptz NOT NULL,
        queue text NOT NULL,
        offered bigint NOT NULL DEFAULT 0,
        answered bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (day, hour, queue)
      );
      CREATE TABLE call_figures (call_id text PRIMARY KEY, part jsonb NOT NULL);
      CREATE TABLE figures_stale (call_id text PRIMARY KEY);
      CREATE FUNCTION figures_mark_stale() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' THEN INSERT INTO figures_stale VALUES (OLD.call_id) ON CONFLICT DO NOTHING; END IF;
          IF TG_OP <> 'DELETE' THEN INSERT INTO figures_stale VALUES (NEW.call_id) ON CONFLICT DO NOTHING; END IF;
          RETURN NULL;
        END $$;
      CREATE TRIGGER calls_figures AFTER INSERT OR UPDATE OR DELETE ON calls
        FOR EACH ROW EXECUTE FUNCTION figures_mark_stale();
      CREATE TRIGGER call_offers_figures AFTER INSERT OR UPDATE OR DELETE ON call_offers
        FOR EACH ROW EXECUTE FUNCTION figures_mark_stale();
      CREATE TRIGGER ring_outcomes_figures AFTER INSERT OR UPDATE OR DELETE ON ring_outcomes
        FOR EACH ROW EXECUTE FUNCTION figures_mark_stale();
      INSERT INTO figures_stale SELECT call_id FROM calls;`,
  },
  {
    // Today's callbacks on the board from sums too (offered, asked for, completed per team day and queue), counted
    // with the call the queue turned away: a change to a callback marks its call.
    version: 19,
    name: 'callback sums',
    sql: `
      CREATE TABLE figure_callbacks (
        day timestamptz NOT NULL,
        queue text NOT NULL,
        offered bigint NOT NULL DEFAULT 0,
        accepted bigint NOT NULL DEFAULT 0,
        completed bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (day, queue)
      );
      CREATE TRIGGER callbacks_figures AFTER INSERT OR UPDATE OR DELETE ON callbacks
        FOR EACH ROW EXECUTE FUNCTION figures_mark_stale();
      INSERT INTO figures_stale SELECT DISTINCT call_id FROM callbacks ON CONFLICT DO NOTHING;`,
  },
  {
    // The record writer counts the calls it writes itself, in the same transaction: it marks none, so that two
    // writers never wait on each other's marks (which took them into deadlocks).
    version: 20,
    name: 'writer counts its own calls',
    sql: `
      CREATE OR REPLACE FUNCTION figures_mark_stale() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF current_setting('figures.counting', true) = 'on' THEN RETURN NULL; END IF;
          IF TG_OP <> 'INSERT' THEN INSERT INTO figures_stale VALUES (OLD.call_id) ON CONFLICT DO NOTHING; END IF;
          IF TG_OP <> 'DELETE' THEN INSERT INTO figures_stale VALUES (NEW.call_id) ON CONFLICT DO NOTHING; END IF;
          RETURN NULL;
        END $$;`,
  },
  {
    // The writer reads a call's callbacks with each batch: by the call, not through the whole table.
    version: 21,
    name: 'callbacks by call',
    sql: `CREATE INDEX callbacks_call ON callbacks (call_id);`,
  },
  {
    // What an admin saves, and the erasures, are announced when they commit (one NOTIFY per table and transaction,
    // whoever writes: a relay, a sweep, an operator's SQL): every instance reads the newest at once instead of polling.
    version: 22,
    name: 'admin tables notify',
    sql: `
      CREATE FUNCTION notify_table_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify(TG_TABLE_NAME || '_changed', '');
          RETURN NULL;
        END $$;
      CREATE TRIGGER team_settings_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON team_settings
        FOR EACH STATEMENT EXECUTE FUNCTION notify_table_changed();
      CREATE TRIGGER team_queues_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON team_queues
        FOR EACH STATEMENT EXECUTE FUNCTION notify_table_changed();
      CREATE TRIGGER customer_erasures_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON customer_erasures
        FOR EACH STATEMENT EXECUTE FUNCTION notify_table_changed();`,
  },
  {
    // A bot's first hand-over of the call to a queue's agents: where it waited from then, and since when (the board
    // counts a call the queue's bot handed to another queue in that queue, its speed of answer from the hand-over).
    version: 23,
    name: 'bot hand-over queue',
    sql: `
      ALTER TABLE calls ADD COLUMN handed_to_queue text;
      ALTER TABLE calls ADD COLUMN handed_over_at timestamptz;`,
  },
];
