import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTransaction } from "../db/pool.js";
import { createLogger } from "../logger.js";
import { cellChangedPayload } from "../test-support/event-payloads.js";
import { createTestDatabase, type TestDatabase } from "../test-support/test-db.js";
import { enqueueEvent } from "./outbox.js";
import { type OutboxRow, sequencePending } from "./outbox.sql.js";
import { type EventSink, OutboxRelay } from "./relay.js";

let db: TestDatabase;
let grid: string;

class RecordingSink implements EventSink {
  rows: OutboxRow[] = [];
  deliver(row: OutboxRow): void {
    this.rows.push(row);
  }
  versions(): number[] {
    return this.rows.map((r) => (r.payload as { version: number }).version);
  }
}

const change = (version: number) =>
  enqueueEvent(db.pool, {
    topic: "cell.changed",
    cellCode: grid,
    payload: cellChangedPayload(grid, version),
  });

/** A change committed and published by another process: written without enqueueEvent, sequenced here. */
async function remoteChange(version: number): Promise<void> {
  await db.pool.query(
    `INSERT INTO outbox (topic, cell_code, cell_path, payload)
     SELECT 'cell.changed', code, path, jsonb_build_object('cellCode', code, 'change', 'updated', 'version', $2::int)
       FROM cells WHERE code = $1`,
    [grid, version],
  );
  await withTransaction(db.pool, (tx) => sequencePending(tx, 100));
}

async function listenerBackends(): Promise<number> {
  const { rows } = await db.pool.query(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'gridops-realtime-listener' AND datname = current_database()",
  );
  return rows[0].n;
}

beforeAll(async () => {
  db = await createTestDatabase({ demo: true });
  grid = (await db.pool.query("SELECT code FROM cells WHERE level = 'grid' LIMIT 1")).rows[0].code;
});

afterAll(async () => {
  await db?.drop();
});

describe("outbox relay", () => {
  it("is woken at once by a commit in its own process, without polling", async () => {
    const sink = new RecordingSink();
    const relay = new OutboxRelay({
      pool: db.pool,
      log: createLogger("silent"),
      sink,
      pollIntervalMs: 600_000,
    });
    await relay.start();
    try {
      // The LISTEN connection wakes the relay once when it comes up: let that happen first.
      await expect.poll(() => relay.listening).toBe(true);
      await relay.settle();
      const before = relay.stats.wakeups;
      await change(21);
      expect(relay.stats.wakeups).toBe(before + 1);
      await expect.poll(() => sink.versions(), { timeout: 3000 }).toEqual([21]);
    } finally {
      await relay.close();
    }
  });

  it("wakes on another process's sequencer NOTIFY, and after losing its LISTEN connection reconnects and delivers what it missed", async () => {
    const sink = new RecordingSink();
    // Polling every ten minutes: anything delivered within seconds came through LISTEN.
    const relay = new OutboxRelay({
      pool: db.pool,
      log: createLogger("silent"),
      sink,
      pollIntervalMs: 600_000,
    });
    await relay.start();
    try {
      await expect.poll(() => relay.listening).toBe(true);
      await remoteChange(1);
      await expect.poll(() => sink.versions(), { timeout: 3000 }).toEqual([1]);

      await db.pool.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'gridops-realtime-listener' AND datname = current_database()",
      );
      await expect.poll(() => relay.listening).toBe(false);
      await remoteChange(2); // published while nobody listens: its NOTIFY is lost
      await expect.poll(() => relay.listening, { timeout: 5000 }).toBe(true);
      await expect.poll(() => sink.versions(), { timeout: 3000 }).toEqual([1, 2]);
      await remoteChange(3);
      await expect.poll(() => sink.versions(), { timeout: 3000 }).toEqual([1, 2, 3]);
      expect(await listenerBackends()).toBe(1);
      expect(sink.rows.map((r) => r.seq)).toEqual([1, 2, 3].map((i) => sink.rows[0]!.seq + i - 1));
    } finally {
      await relay.close();
    }
    await expect.poll(listenerBackends).toBe(0);
  });

  it("starts after what was already published, still delivers what was committed but unpublished, and polls", async () => {
    const first = new OutboxRelay({
      pool: db.pool,
      log: createLogger("silent"),
      sink: new RecordingSink(),
      pollIntervalMs: 100,
    });
    await first.start();
    await change(9);
    await first.settle();
    await first.close();
    await change(10); // committed while no relay runs
    const sink = new RecordingSink();
    const relay = new OutboxRelay({ pool: db.pool, log: createLogger("silent"), sink, pollIntervalMs: 100 });
    await relay.start();
    try {
      await relay.settle();
      expect(sink.versions()).toEqual([10]);
      // Inserted without enqueueEvent, as a writer in another process would: found by polling.
      await db.pool.query(
        `INSERT INTO outbox (topic, cell_code, cell_path, payload)
         SELECT 'cell.changed', code, path, jsonb_build_object('cellCode', code, 'change', 'updated', 'version', 11) FROM cells WHERE code = $1`,
        [grid],
      );
      await expect.poll(() => sink.versions(), { timeout: 3000 }).toEqual([10, 11]);
    } finally {
      await relay.close();
    }
  });
});
