import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../logger.js";
import { createTestDatabase, type TestDatabase } from "../../test-support/test-db.js";
import { defaultQueueOptions, IngestQueue, type PreparedRead, type StoredRead } from "./ingest-queue.js";

/**
 * Decision 0140: a batch no hook has work for is stored as one autocommit statement, others in
 * the batch transaction. Both paths must keep decision 0104's promises: a concurrent retry
 * (here through two queues, as two server processes) is stored once, and what is answered is
 * committed.
 */
let db: TestDatabase;
const log = createLogger("silent");

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

function read(plate: string, eventId: string | null, at = new Date(Date.now() - 60_000)): PreparedRead {
  const iso = at.toISOString();
  return {
    row: {
      captured_at: iso,
      received_at: iso,
      plate_text: plate,
      plate_raw: plate,
      plate_colour: "blue",
      plate_valid: true,
      plate_kind: "regular",
      confidence: 0.9,
      format: "generic",
      device_id: 7001,
      camera_id: "queue-test-camera",
      checkpoint_id: null,
      lane: null,
      direction: null,
      vehicle_type: null,
      vehicle_colour: null,
      cell_code: null,
      cell_path: null,
      vendor_event_id: eventId,
      images: [],
      details: {},
      flags: [],
    },
    images: [],
    location: { lon: 113.3, lat: 23.1 },
  };
}

/** A queue whose one hook says it has work (transaction path) or not (autocommit path). */
function queue(hookHasWork: boolean, seen: StoredRead[][]) {
  const q = new IngestQueue(db.pool, log, { ...defaultQueueOptions, dedupeWindowMs: 3000 });
  q.onStored(
    async (_db, stored) => {
      seen.push([...stored]);
    },
    async () => hookHasWork,
  );
  return q;
}

const storedRows = async (plate: string) =>
  (
    await db.pool.query<{ id: number; vendor_event_id: string | null }>(
      "SELECT id, vendor_event_id FROM plate_reads WHERE plate_text = $1",
      [plate],
    )
  ).rows;

describe.each([
  { path: "autocommit", hookHasWork: false },
  { path: "transaction", hookHasWork: true },
])("$path path", ({ path, hookHasWork }) => {
  it("20 concurrent retries of one read through two queues store it once, every answer naming it", async () => {
    const seen: StoredRead[][] = [];
    const queues = [queue(hookHasWork, seen), queue(hookHasWork, seen)];
    const plate = path === "autocommit" ? "粤Q10001" : "粤Q20001";
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => queues[i % 2]!.submit([read(plate, `evt-${plate}`)])),
    );
    const rows = await storedRows(plate);
    expect(rows).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o[0]!.id))).toEqual(new Set([rows[0]!.id]));
    expect(outcomes.filter((o) => !o[0]!.duplicate)).toHaveLength(1);
    // The hook runs (inside the transaction) only on the transaction path.
    expect(seen.length > 0).toBe(hookHasWork);
    if (hookHasWork) expect(seen.flat().map((s) => s.id)).toEqual([rows[0]!.id]);
  });

  it("same plate within the window and the same event id later are duplicates of stored reads", async () => {
    const seen: StoredRead[][] = [];
    const q = queue(hookHasWork, seen);
    const plate = path === "autocommit" ? "粤Q10002" : "粤Q20002";
    const t = Date.now() - 120_000;
    const [first] = await q.submit([read(plate, `${plate}-a`, new Date(t))]);
    const again = await q.submit([
      read(plate, `${plate}-b`, new Date(t + 2000)), // same plate within 3 s
      read(plate, `${plate}-a`, new Date(t + 60_000)), // same event id, other time
      read(plate, `${plate}-c`, new Date(t + 9000)), // outside the window: a new read
    ]);
    expect(again.map((o) => o.duplicate)).toEqual([true, true, false]);
    expect(again[0]!.id).toBe(first!.id);
    expect(again[1]!.id).toBe(first!.id);
    expect(await storedRows(plate)).toHaveLength(2);
  });

  it("duplicates stored just before midnight are found from just after it (the previous day's partition)", async () => {
    const q = queue(hookHasWork, []);
    const plate = path === "autocommit" ? "粤Q10004" : "粤Q20004";
    const midnight = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000;
    const [first] = await q.submit([read(plate, `${plate}-a`, new Date(midnight - 1000))]);
    const again = await q.submit([
      read(plate, `${plate}-b`, new Date(midnight + 1500)), // same plate, 2.5 s later, next day
      read(`${plate}X`, `${plate}-a`, new Date(midnight + 20 * 3_600_000)), // same event id, 20 h later
    ]);
    expect(again.map((o) => [o.id, o.duplicate])).toEqual([
      [first!.id, true],
      [first!.id, true],
    ]);
    expect(await storedRows(plate)).toHaveLength(1);
  });

  it("stores every column as given", async () => {
    const q = queue(hookHasWork, []);
    const plate = path === "autocommit" ? "粤Q10005" : "粤Q20005";
    const r = read(plate, `${plate}-"quoted"\\`);
    Object.assign(r.row, {
      checkpoint_id: "cp-1",
      lane: 3,
      direction: "in",
      vehicle_type: "car",
      vehicle_colour: "white",
      cell_code: "cell-1",
      cell_path: ["district", "cell-1"],
      images: [{ role: "plate", url: "http://camera/1.jpg" }],
      details: { timeSource: "device", nested: { n: 1.5, s: "é\n" } },
      flags: ["low_confidence", "time_from_receipt"],
      confidence: 0.25,
    });
    const [outcome] = await q.submit([r]);
    const { rows } = await db.pool.query(
      `SELECT captured_at, received_at, plate_text, plate_raw, plate_colour, plate_valid, plate_kind, confidence,
              format, device_id, camera_id, checkpoint_id, lane, direction, vehicle_type, vehicle_colour, cell_code,
              cell_path, vendor_event_id, images, details, flags
         FROM plate_reads WHERE id = $1`,
      [outcome!.id],
    );
    expect(rows).toEqual([
      {
        ...r.row,
        captured_at: new Date(r.row.captured_at),
        received_at: new Date(r.row.received_at),
      },
    ]);
  });

  it("an answered read is committed: another connection sees it as soon as submit resolves", async () => {
    const q = queue(hookHasWork, []);
    const plate = path === "autocommit" ? "粤Q10003" : "粤Q20003";
    const [outcome] = await q.submit([read(plate, null)]);
    const other = await db.pool.connect();
    try {
      const { rows } = await other.query("SELECT id FROM plate_reads WHERE plate_text = $1", [plate]);
      expect(rows.map((r) => r.id)).toEqual([outcome!.id]);
    } finally {
      other.release();
    }
  });
});
