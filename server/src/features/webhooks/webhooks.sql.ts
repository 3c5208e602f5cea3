import type { Queryable } from "../../db/pool.js";

export interface SubscriptionRow {
  id: number;
  name: string;
  url: string;
  topics: string[];
  cellCodes: string[];
  enabled: boolean;
  consecutiveFailures: number;
  disabledReason: string | null;
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const subscriptionColumns = `id, name, url, topics, cell_codes AS "cellCodes", enabled,
  consecutive_failures AS "consecutiveFailures", disabled_reason AS "disabledReason", disabled_at AS "disabledAt",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function selectSubscriptions(db: Queryable): Promise<SubscriptionRow[]> {
  const { rows } = await db.query<SubscriptionRow>(
    `SELECT ${subscriptionColumns} FROM webhook_subscriptions ORDER BY id`,
  );
  return rows;
}

export async function selectSubscription(db: Queryable, id: number): Promise<SubscriptionRow | null> {
  const { rows } = await db.query<SubscriptionRow>(
    `SELECT ${subscriptionColumns} FROM webhook_subscriptions WHERE id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

export interface NewSubscription {
  name: string;
  url: string;
  secretEnc: string;
  topics: string[];
  cellCodes: string[];
  enabled: boolean;
  createdBy: number | null;
}

export async function insertSubscription(db: Queryable, s: NewSubscription): Promise<SubscriptionRow> {
  const { rows } = await db.query<SubscriptionRow>(
    `INSERT INTO webhook_subscriptions (name, url, secret_enc, topics, cell_codes, enabled, created_by)
     VALUES ($1, $2, $3, $4::text[], $5::text[], $6, $7) RETURNING ${subscriptionColumns}`,
    [s.name, s.url, s.secretEnc, s.topics, s.cellCodes, s.enabled, s.createdBy],
  );
  return rows[0]!;
}

export interface SubscriptionChange {
  name?: string | undefined;
  url?: string | undefined;
  secretEnc?: string | undefined;
  topics?: string[] | undefined;
  cellCodes?: string[] | undefined;
  enabled?: boolean | undefined;
}

/** Enabling again clears the failure streak and the reason it was disabled. */
export async function updateSubscription(
  db: Queryable,
  id: number,
  c: SubscriptionChange,
): Promise<SubscriptionRow | null> {
  const { rows } = await db.query<SubscriptionRow>(
    `UPDATE webhook_subscriptions SET
        name = coalesce($2, name), url = coalesce($3, url), secret_enc = coalesce($4, secret_enc),
        topics = coalesce($5::text[], topics), cell_codes = coalesce($6::text[], cell_codes),
        enabled = coalesce($7, enabled),
        consecutive_failures = CASE WHEN $7 AND NOT enabled THEN 0 ELSE consecutive_failures END,
        disabled_reason = CASE WHEN $7 THEN NULL ELSE disabled_reason END,
        disabled_at = CASE WHEN $7 THEN NULL WHEN $7 = false AND enabled THEN now() ELSE disabled_at END,
        updated_at = now()
      WHERE id = $1 RETURNING ${subscriptionColumns}`,
    [
      id,
      c.name ?? null,
      c.url ?? null,
      c.secretEnc ?? null,
      c.topics ?? null,
      c.cellCodes ?? null,
      c.enabled ?? null,
    ],
  );
  return rows[0] ?? null;
}

export async function deleteSubscription(db: Queryable, id: number): Promise<boolean> {
  const { rowCount } = await db.query("DELETE FROM webhook_subscriptions WHERE id = $1", [id]);
  return (rowCount ?? 0) > 0;
}

export async function selectUnknownCells(db: Queryable, codes: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ code: string }>(
    "SELECT c AS code FROM unnest($1::text[]) AS c WHERE NOT EXISTS (SELECT 1 FROM cells WHERE code = c)",
    [codes],
  );
  return rows.map((r) => r.code);
}

/**
 * Turns newly published outbox events (seq after the cursor) into one delivery per matching
 * enabled subscription, and moves the cursor, in one statement. A cursor locked by another
 * process means that process is fanning out: skip.
 */
export async function fanOutEvents(
  db: Queryable,
  batch: number,
): Promise<{ events: number; deliveries: number }> {
  const { rows } = await db.query<{ events: number; deliveries: number }>(
    `WITH cur AS (SELECT last_seq FROM webhook_cursor FOR UPDATE SKIP LOCKED),
     ev AS (
       SELECT o.seq, o.topic, o.cell_path, o.payload, o.sequenced_at FROM outbox o, cur
        WHERE o.seq > cur.last_seq ORDER BY o.seq LIMIT $1
     ), ins AS (
       INSERT INTO webhook_deliveries (subscription_id, event_seq, topic, body)
       SELECT s.id, ev.seq, ev.topic,
              json_build_object('id', 'evt_' || ev.seq, 'topic', ev.topic, 'seq', ev.seq,
                'occurredAt', ev.sequenced_at, 'data', ev.payload)::text
         FROM ev JOIN webhook_subscriptions s
           ON s.enabled AND ev.topic = ANY (s.topics) AND ev.cell_path && s.cell_codes AND ev.sequenced_at >= s.created_at
       ON CONFLICT (subscription_id, event_seq) DO NOTHING
       RETURNING 1
     ), moved AS (
       UPDATE webhook_cursor SET last_seq = (SELECT max(seq) FROM ev) WHERE EXISTS (SELECT 1 FROM ev) RETURNING 1
     )
     SELECT (SELECT count(*) FROM ev)::int AS events, (SELECT count(*) FROM ins)::int AS deliveries, (SELECT count(*) FROM moved) AS moved`,
    [batch],
  );
  return { events: rows[0]?.events ?? 0, deliveries: rows[0]?.deliveries ?? 0 };
}

export interface ClaimedDelivery {
  id: number;
  subscriptionId: number;
  eventSeq: number;
  topic: string;
  body: string;
  attempts: number;
  url: string;
  secretEnc: string;
}

/**
 * Leases due deliveries, at most one per subscription and none for a subscription that already
 * has one in flight, so one slow endpoint can occupy one slot but never all of them.
 */
export async function claimDeliveries(
  db: Queryable,
  limit: number,
  leaseMs: number,
): Promise<ClaimedDelivery[]> {
  const { rows } = await db.query<ClaimedDelivery>(
    `WITH candidates AS (
       SELECT DISTINCT ON (d.subscription_id) d.id
         FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
        WHERE d.state = 'pending' AND d.next_attempt_at <= now() AND s.enabled
          AND (d.locked_until IS NULL OR d.locked_until < now())
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries x
                           WHERE x.subscription_id = d.subscription_id AND x.state = 'pending' AND x.locked_until >= now())
        ORDER BY d.subscription_id, d.next_attempt_at, d.id
     ), locked AS (
       SELECT d.id FROM webhook_deliveries d
        WHERE d.id IN (SELECT id FROM candidates) AND d.state = 'pending' AND (d.locked_until IS NULL OR d.locked_until < now())
        ORDER BY d.next_attempt_at, d.id LIMIT $1
        FOR UPDATE SKIP LOCKED
     )
     UPDATE webhook_deliveries d
        SET locked_until = now() + $2::int * interval '1 millisecond', attempts = d.attempts + 1
       FROM locked, webhook_subscriptions s
      WHERE d.id = locked.id AND s.id = d.subscription_id
     RETURNING d.id, d.subscription_id AS "subscriptionId", d.event_seq AS "eventSeq", d.topic, d.body, d.attempts,
               s.url, s.secret_enc AS "secretEnc"`,
    [limit, leaseMs],
  );
  return rows;
}

export interface AttemptRecord {
  deliveryId: number;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  outcome: string;
  status: number | null;
  error: string | null;
}

export async function insertAttempt(db: Queryable, a: AttemptRecord): Promise<void> {
  await db.query(
    `INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, outcome, status, error)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [a.deliveryId, a.attempt, a.startedAt, a.durationMs, a.outcome, a.status, a.error],
  );
}

export async function markDelivered(
  db: Queryable,
  deliveryId: number,
  subscriptionId: number,
  status: number | null,
): Promise<void> {
  await db.query(
    `WITH d AS (
       UPDATE webhook_deliveries SET state = 'delivered', delivered_at = now(), locked_until = NULL, last_status = $3, last_error = NULL
        WHERE id = $1 RETURNING 1
     )
     UPDATE webhook_subscriptions SET consecutive_failures = 0 WHERE id = $2 AND consecutive_failures <> 0`,
    [deliveryId, subscriptionId, status],
  );
}

/** Schedules the retry (or gives up) and returns the subscription's failure streak. */
export async function markFailed(
  db: Queryable,
  f: {
    deliveryId: number;
    subscriptionId: number;
    status: number | null;
    error: string | null;
    retryAt: Date | null;
  },
): Promise<{ consecutiveFailures: number; enabled: boolean }> {
  await db.query(
    `UPDATE webhook_deliveries SET state = CASE WHEN $2::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
            next_attempt_at = coalesce($2, next_attempt_at), locked_until = NULL, last_status = $3, last_error = $4
      WHERE id = $1`,
    [f.deliveryId, f.retryAt, f.status, f.error],
  );
  const { rows } = await db.query<{ consecutiveFailures: number; enabled: boolean }>(
    `UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1 WHERE id = $1
     RETURNING consecutive_failures AS "consecutiveFailures", enabled`,
    [f.subscriptionId],
  );
  return rows[0] ?? { consecutiveFailures: 0, enabled: false };
}

export async function disableSubscription(db: Queryable, id: number, reason: string): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE webhook_subscriptions SET enabled = false, disabled_reason = $2, disabled_at = now(), updated_at = now() WHERE id = $1 AND enabled",
    [id, reason],
  );
  return (rowCount ?? 0) > 0;
}

export interface DeliveryLogRow {
  id: number;
  eventSeq: number;
  topic: string;
  state: string;
  attempts: number;
  nextAttemptAt: Date;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  log: {
    attempt: number;
    startedAt: string;
    durationMs: number;
    outcome: string;
    status: number | null;
    error: string | null;
  }[];
}

export async function selectDeliveries(
  db: Queryable,
  subscriptionId: number,
  limit: number,
): Promise<DeliveryLogRow[]> {
  const { rows } = await db.query<DeliveryLogRow>(
    `SELECT d.id, d.event_seq AS "eventSeq", d.topic, d.state, d.attempts, d.next_attempt_at AS "nextAttemptAt",
            d.last_status AS "lastStatus", d.last_error AS "lastError", d.created_at AS "createdAt", d.delivered_at AS "deliveredAt",
            coalesce((SELECT json_agg(json_build_object('attempt', a.attempt, 'startedAt', a.started_at, 'durationMs', a.duration_ms,
                        'outcome', a.outcome, 'status', a.status, 'error', a.error) ORDER BY a.id)
                        FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]'::json) AS log
       FROM webhook_deliveries d WHERE d.subscription_id = $1 ORDER BY d.id DESC LIMIT $2`,
    [subscriptionId, limit],
  );
  return rows;
}

/** Finished deliveries older than the retention window go (their attempts cascade). */
export async function deleteFinishedDeliveries(db: Queryable, olderThanDays: number): Promise<number> {
  const { rowCount } = await db.query(
    "DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_at < now() - $1::int * interval '1 day'",
    [olderThanDays],
  );
  return rowCount ?? 0;
}
