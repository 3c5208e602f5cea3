import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTransaction } from "../db/pool.js";
import { cellChangedPayload, incidentPayload } from "../test-support/event-payloads.js";
import { createTestDatabase, type TestDatabase } from "../test-support/test-db.js";
import type { IncidentCreatedPayload } from "./events.js";
import { enqueueEvent, OutboxError, onLocalOutboxCommit, purgeOutbox } from "./outbox.js";
import { selectPublishedAfter, sequencePending } from "./outbox.sql.js";

let db: TestDatabase;
let gridCode: string;
let gridPath: string[];

const incident = incidentPayload;

async function sequence(): Promise<number> {
  return withTransaction(db.pool, async (tx) => (await sequencePending(tx, 1000)).assigned);
}

/** Counts the wake-ups this process's relays would get. */
function localWakes(): { count: () => number; stop: () => void } {
  let count = 0;
  const stop = onLocalOutboxCommit(() => {
    count += 1;
  });
  return { count: () => count, stop };
}

beforeAll(async () => {
  db = await createTestDatabase({ demo: true });
  const { rows } = await db.pool.query<{ code: string; path: string[] }>(
    "SELECT code, path FROM cells WHERE level = 'grid' ORDER BY code LIMIT 1",
  );
  gridCode = rows[0]!.code;
  gridPath = rows[0]!.path;
});

afterAll(async () => {
  await db?.drop();
});

describe("enqueueEvent", () => {
  it("writes the cell's ancestor path and the audience, and wakes local relays only after commit", async () => {
    const wakes = localWakes();
    try {
      const id = await withTransaction(db.pool, async (tx) => {
        const inserted = await enqueueEvent(tx, {
          topic: "incident.created",
          cellCode: gridCode,
          requires: "hits:read",
          payload: incident(1, gridCode),
        });
        await new Promise((r) => setTimeout(r, 20));
        expect(wakes.count()).toBe(0); // not before COMMIT: a relay would not see the row yet
        return inserted;
      });
      expect(wakes.count()).toBe(1);
      const { rows } = await db.pool.query(
        "SELECT cell_path, audience, seq, payload FROM outbox WHERE id = $1",
        [id],
      );
      expect(rows[0].cell_path).toEqual(gridPath);
      expect(gridPath.length).toBe(4);
      expect(gridPath.at(-1)).toBe(gridCode);
      expect(rows[0].audience).toEqual(["incidents:read", "hits:read"]);
      expect(rows[0].seq).toBeNull();
      expect(rows[0].payload.incident.id).toBe(1);
    } finally {
      wakes.stop();
    }
  });

  it("leaves no row and wakes nobody when the transaction rolls back", async () => {
    const wakes = localWakes();
    try {
      const before = await db.pool.query("SELECT count(*)::int AS n FROM outbox");
      await expect(
        withTransaction(db.pool, async (tx) => {
          await enqueueEvent(tx, {
            topic: "incident.created",
            cellCode: gridCode,
            payload: incident(2, gridCode),
          });
          throw new Error("change failed");
        }),
      ).rejects.toThrow("change failed");
      expect(wakes.count()).toBe(0);
      // A committed event afterwards proves the wake-up works and orders after the rollback.
      await enqueueEvent(db.pool, {
        topic: "cell.changed",
        cellCode: gridCode,
        payload: cellChangedPayload(gridCode, 2),
      });
      await expect.poll(() => wakes.count()).toBe(1);
      const after = await db.pool.query("SELECT count(*)::int AS n FROM outbox");
      expect(after.rows[0].n).toBe(before.rows[0].n + 1);
      const newest = await db.pool.query("SELECT topic FROM outbox ORDER BY id DESC LIMIT 1");
      expect(newest.rows[0].topic).toBe("cell.changed");
    } finally {
      wakes.stop();
    }
  });

  it("refuses an unknown cell and an event nobody could receive", async () => {
    await expect(
      enqueueEvent(db.pool, {
        topic: "cell.changed",
        cellCode: "NOPE",
        payload: cellChangedPayload("NOPE", 1, "created"),
      }),
    ).rejects.toMatchObject({ code: "unknown_cell" });
    await expect(
      enqueueEvent(db.pool, {
        topic: "report.missing",
        payload: {
          cellCode: gridCode,
          cellName: "x",
          cellNameEn: null,
          reportDate: "2026-01-01",
          leader: null,
        },
      }),
    ).rejects.toBeInstanceOf(OutboxError);
  });
});

describe("sequencer", () => {
  it("publishes in visibility order, so a reader never skips a late-committing row", async () => {
    await sequence();
    const start = (await db.pool.query("SELECT last_seq FROM outbox_position")).rows[0].last_seq as number;
    const a = await db.pool.connect();
    const b = await db.pool.connect();
    try {
      await a.query("BEGIN");
      await b.query("BEGIN");
      const idA = await enqueueEvent(a, {
        topic: "incident.created",
        cellCode: gridCode,
        payload: incident(10, gridCode),
      });
      const idB = await enqueueEvent(b, {
        topic: "incident.created",
        cellCode: gridCode,
        payload: incident(11, gridCode),
      });
      expect(idA).toBeLessThan(idB);
      await b.query("COMMIT");
      expect(await sequence()).toBe(1);
      const first = await selectPublishedAfter(db.pool, start, 100);
      expect(first.map((r) => (r.payload as IncidentCreatedPayload).incident.id)).toEqual([11]);
      await a.query("COMMIT");
      expect(await sequence()).toBe(1);
      const second = await selectPublishedAfter(db.pool, first[0]!.seq, 100);
      expect(second.map((r) => (r.payload as IncidentCreatedPayload).incident.id)).toEqual([10]);
      expect(second[0]!.seq).toBe(first[0]!.seq + 1);
    } finally {
      a.release();
      b.release();
    }
  });

  it("lets only one of two concurrent sequencers work and never hands out a seq twice", async () => {
    for (let i = 0; i < 50; i++) {
      await enqueueEvent(db.pool, {
        topic: "incident.created",
        cellCode: gridCode,
        payload: incident(100 + i, gridCode),
      });
    }
    const holder = await db.pool.connect();
    try {
      await holder.query("BEGIN");
      const first = await sequencePending(holder, 20);
      expect(first).toMatchObject({ locked: true, assigned: 20 });
      const other = await withTransaction(db.pool, (tx) => sequencePending(tx, 1000));
      expect(other.locked).toBe(false);
      await holder.query("COMMIT");
    } finally {
      holder.release();
    }
    expect(await sequence()).toBe(30);
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n, count(DISTINCT seq)::int AS d, max(seq) - min(seq) + 1 AS span, (SELECT last_seq FROM outbox_position) AS last FROM outbox WHERE seq IS NOT NULL",
    );
    expect(rows[0].n).toBe(rows[0].d);
    expect(rows[0].span).toBe(rows[0].n);
    expect(rows[0].last).toBe(rows[0].n);
  });

  it("purges published rows past retention but keeps the position, so seqs are never reused", async () => {
    await sequence();
    const last = (await db.pool.query("SELECT last_seq FROM outbox_position")).rows[0].last_seq as number;
    expect(await purgeOutbox(db.pool, 24)).toBe(0);
    const removed = await purgeOutbox(db.pool, 0);
    expect(removed).toBe(last);
    await enqueueEvent(db.pool, {
      topic: "incident.created",
      cellCode: gridCode,
      payload: incident(999, gridCode),
    });
    await sequence();
    const { rows } = await db.pool.query("SELECT seq FROM outbox");
    expect(rows).toEqual([{ seq: last + 1 }]);
  });
});
