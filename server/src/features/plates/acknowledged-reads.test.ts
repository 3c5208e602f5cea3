import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverRoot } from "../../package-root.js";
import { createTestDatabase, type TestDatabase, testPg } from "../../test-support/test-db.js";
import { createApiToken, systemAuthFor } from "../auth/auth.service.js";

/**
 * "Acknowledged means stored": a real server process takes concurrent pushes, is killed
 * with SIGKILL while requests are in flight, and restarted; every read that got a 2xx must
 * be in the database, once.
 */
let db: TestDatabase;
let dataDir: string;
let token: string;

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ["--conditions=development", "--import", "tsx", path.join(serverRoot, "src", "main.ts"), "demo"],
    {
      env: {
        PATH: process.env.PATH ?? "",
        GRIDOPS_LOG_LEVEL: "error",
        GRIDOPS_DATA_DIR: dataDir,
        DATABASE_URL: db.connectionString,
        PORT: "0",
        HOST: "127.0.0.1",
        GRIDOPS_JOBS: "false",
      },
      cwd: serverRoot,
    },
  );
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 90_000);
    child.on("close", () => reject(new Error(`server exited: ${out}`)));
    child.stdout!.on("data", () => {
      const m = /running at (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
  });
}

beforeAll(async () => {
  db = await createTestDatabase({ demo: true });
  dataDir = path.join(testPg().root, `ack-${Date.now()}`);
  await fs.mkdir(dataDir);
  const camera = (
    await db.pool.query("SELECT id, cell_code FROM cameras WHERE cell_code IS NOT NULL ORDER BY id LIMIT 1")
  ).rows[0];
  await db.pool.query("INSERT INTO plate_devices (device_key, camera_id) VALUES ('ack-cam', $1)", [
    camera.id,
  ]);
  const district = (
    await db.pool.query("SELECT array_agg(code) AS codes FROM cells WHERE level = 'district'")
  ).rows[0].codes;
  const actor = await systemAuthFor(db.pool, "test");
  token = (
    await createApiToken(
      db.pool,
      actor,
      { name: "ack", permissions: ["plates:ingest"], cellCodes: district, cameraIds: null, expiresAt: null },
      { ip: null, userAgent: null, requestId: null },
    )
  ).token;
}, 120_000);
afterAll(() => db?.drop());

describe("acknowledged reads survive kill -9", () => {
  it("every read answered 2xx before the kill is stored exactly once after restart", async () => {
    const first = await startServer();
    const acknowledged = new Map<string, number>();
    let stop = false;
    let sent = 0;
    const worker = async () => {
      while (!stop) {
        const n = sent++;
        const eventId = `ack-${n}`;
        try {
          const res = await fetch(`${first.url}/api/v1/ingest/plates/generic`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify({
              plate: `粤B${String(10000 + n).slice(-5)}`,
              capturedAt: new Date(Date.now() - 1000 - n * 5000).toISOString(),
              deviceId: "ack-cam",
              eventId,
            }),
          });
          if (res.status === 200) {
            const body = (await res.json()) as { reads: { id: number }[] };
            acknowledged.set(eventId, body.reads[0]!.id);
          }
        } catch {
          // Connection reset by the kill: not acknowledged, so nothing is promised.
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    while (acknowledged.size < 300) await new Promise((r) => setTimeout(r, 5));
    first.child.kill("SIGKILL");
    stop = true;
    await Promise.all(workers);
    expect(acknowledged.size).toBeGreaterThanOrEqual(300);

    const second = await startServer();
    try {
      const { rows } = await db.pool.query<{ vendor_event_id: string; id: number }>(
        "SELECT vendor_event_id, id FROM plate_reads WHERE vendor_event_id = ANY($1::text[])",
        [[...acknowledged.keys()]],
      );
      const stored = new Map(rows.map((r) => [r.vendor_event_id, r.id]));
      const missing = [...acknowledged.keys()].filter((k) => !stored.has(k));
      expect(missing).toEqual([]);
      expect(rows).toHaveLength(acknowledged.size);
      for (const [eventId, id] of acknowledged) expect(stored.get(eventId)).toBe(id);
      const dupes = await db.pool.query(
        "SELECT vendor_event_id FROM plate_reads GROUP BY device_id, vendor_event_id HAVING count(*) > 1",
      );
      expect(dupes.rows).toEqual([]);
      // The restarted server takes pushes again.
      const again = await fetch(`${second.url}/api/v1/ingest/plates/generic`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({
          plate: "粤B00000",
          capturedAt: new Date().toISOString(),
          deviceId: "ack-cam",
          eventId: "after-restart",
        }),
      });
      expect(again.status).toBe(200);
    } finally {
      second.child.kill("SIGKILL");
    }
  }, 180_000);
});
