import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../logger.js";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { platesRuntimeOf } from "../plates/plates-runtime.js";
import { checkSilentLanes, publishFlow } from "./flow.service.js";

let server: TestServer;
let lane: { checkpoint_id: string; lane: number; camera_id: string; cell_code: string };
const log = createLogger("silent");

beforeAll(async () => {
  server = await startTestServer();
  const { rows } = await server.db.pool.query(
    `SELECT l.checkpoint_id, l.lane, l.camera_id, k.cell_code FROM checkpoint_lanes l JOIN checkpoints k ON k.id = l.checkpoint_id
      WHERE l.camera_id IS NOT NULL AND k.cell_code IS NOT NULL ORDER BY l.checkpoint_id, l.lane LIMIT 1`,
  );
  lane = rows[0];
  await server.db.pool.query(
    "INSERT INTO plate_devices (device_key, camera_id, lane) VALUES ('flow-cam', $1, $2)",
    [lane.camera_id, lane.lane],
  );
}, 120_000);
afterAll(() => server?.close());

async function tx<T>(fn: (db: import("pg").PoolClient) => Promise<T>): Promise<T> {
  const client = await server.db.pool.connect();
  try {
    await client.query("BEGIN");
    const out = await fn(client);
    await client.query("COMMIT");
    return out;
  } finally {
    client.release();
  }
}

describe("checkpoint flow and silent lanes", () => {
  it("a lane silent where its hour-of-week baseline expects traffic raises one alert and one incident; traffic clears it", async () => {
    const now = new Date();
    // Two earlier weeks: 5 vehicles every 5 minutes in the hour before "now".
    await server.db.pool.query(
      `INSERT INTO checkpoint_lane_flow (checkpoint_id, lane, bucket_start, vehicles)
       SELECT $1, $2, date_bin(interval '5 minutes', $3::timestamptz - w * interval '7 days' - m * interval '5 minutes', timestamptz '2000-01-01'), 5
         FROM generate_series(1, 2) AS w, generate_series(0, 300) AS m`,
      [lane.checkpoint_id, lane.lane, now],
    );
    const first = await tx((db) => checkSilentLanes(db, log, now));
    expect(first.raised).toBe(1);
    const alerts = (
      await server.db.pool.query("SELECT * FROM checkpoint_silence_alerts WHERE cleared_at IS NULL")
    ).rows;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ checkpoint_id: lane.checkpoint_id, lane: lane.lane });
    expect(alerts[0].expected_vehicles).toBeGreaterThan(6);
    const incident = (
      await server.db.pool.query("SELECT * FROM incidents WHERE id = $1", [alerts[0].incident_id])
    ).rows[0];
    expect(incident).toMatchObject({
      category_code: "camera_fault",
      source_ref: `silent:${lane.checkpoint_id}:${lane.lane}`,
    });
    expect((await tx((db) => checkSilentLanes(db, log, now))).raised).toBe(0);

    const tech = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
    const listed = await tech.get("/api/v1/checkpoints/silence-alerts");
    expect(listed.body.alerts.map((a: { checkpointId: string }) => a.checkpointId)).toContain(
      lane.checkpoint_id,
    );

    const runtime = platesRuntimeOf({
      pool: server.db.pool,
      log,
      config: { plateDedupeWindowMs: 3000, deadLetterMaxBytes: 1 << 20, frigateMqttUrl: null },
    });
    const reads = ["晋A11111", "晋A22222", "晋A33333"].map((plate, i) => ({
      plate,
      capturedAt: new Date(Date.now() - 1000 * (i + 1)).toISOString(),
      deviceId: "flow-cam",
    }));
    const result = await runtime.ingest.ingest({
      format: "generic",
      body: Buffer.from(JSON.stringify(reads)),
      contentType: "application/json",
      headers: {},
      sourceIp: null,
      receivedAt: new Date(),
      deviceHint: null,
      principal: { kind: "replay", actor: "test" },
      strict: false,
    });
    expect(result.kind).toBe("stored");
    expect((await tx((db) => checkSilentLanes(db, log, new Date()))).cleared).toBe(1);
  });

  it("publishes the closed 5-minute window as checkpoint.flow and answers the flow API in 5/15/60-minute buckets", async () => {
    const inFiveMinutes = new Date(Date.now() + 5 * 60_000);
    const published = await tx((db) => publishFlow(db, inFiveMinutes));
    expect(published).toBeGreaterThanOrEqual(1);
    const events = (
      await server.db.pool.query("SELECT payload, audience FROM outbox WHERE topic = 'checkpoint.flow'")
    ).rows;
    const mine = events.find((e) => e.payload.checkpointId === lane.checkpoint_id);
    expect(mine.payload).toMatchObject({ windowSeconds: 300, cellCode: lane.cell_code });
    expect(JSON.stringify(mine.payload)).not.toContain("晋");

    for (const user of ["leader1", "tech1", "admin"]) {
      const client = await TestClient.loggedIn(server.url, user, server.demoPassword);
      const res = await client.get(`/api/v1/checkpoints/${lane.checkpoint_id}/flow?bucket=60`);
      if (user === "leader1") {
        expect([200, 403]).toContain(res.status);
        continue;
      }
      expect(res.status).toBe(200);
      const total = res.body.buckets.reduce((n: number, b: { vehicles: number }) => n + b.vehicles, 0);
      expect(total).toBe(3);
      expect(res.body.buckets.at(-1).lanes).toEqual([{ lane: lane.lane, vehicles: expect.any(Number) }]);
    }
  });
});
