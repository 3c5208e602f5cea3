import { type OnvifSimulator, startOnvifSimulator } from "@gridops/camera-adapters/sim/index";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppDeps } from "../../app-deps.js";
import { ManualClock } from "../../jobs/clock.js";
import { TestClient } from "../../test-support/http-client.js";
import { selectPendingJobs } from "../../test-support/pending-jobs.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { sealCredentials } from "../cameras/cameras.service.js";
import { escalateOfflineCameras } from "./offline-escalation.js";
import { BATCH_KEY, CameraPoller } from "./poller.js";
import { startCameraPoller } from "./poller-queue.js";

let ts: TestServer;
let deps: AppDeps;
let sim: OnvifSimulator;
let tech: TestClient;
let poller: CameraPoller;

const stateOf = async (id: string) =>
  (
    await deps.pool.query<{ state: string; reasons: string[]; status: string }>(
      "SELECT h.state, h.reasons, c.status FROM camera_health h JOIN cameras c ON c.id = h.camera_id WHERE h.camera_id = $1",
      [id],
    )
  ).rows[0]!;

/** Registers simulator camera `index` as inventory camera `id` in a real grid cell. */
async function addSimCamera(id: string, index: number, opts: { password?: string } = {}) {
  const cam = sim.cameras[index]!;
  await deps.pool.query(
    `INSERT INTO cameras (id, name, vendor, geom, cell_code, onvif_address, credentials_enc)
     SELECT $1, 'Sim ' || $1, $2, ST_PointOnSurface(c.geom), c.code, $3, $4
       FROM cells c WHERE c.level = 'grid' ORDER BY c.code LIMIT 1`,
    [
      id,
      cam.vendor,
      cam.deviceServiceUrl,
      sealCredentials(deps.keyring, { username: cam.username, password: opts.password ?? cam.password }),
    ],
  );
  return cam;
}

const fast = {
  requestTimeoutMs: 700,
  checkDeadlineMs: 2_000,
  machine: { failuresToGoDown: 3, successesToRecover: 2 },
  writeBatchDelayMs: 5,
};

beforeAll(async () => {
  ts = await startTestServer();
  deps = ts.server.deps;
  sim = await startOnvifSimulator({ count: 12, seed: 7 });
  tech = await TestClient.loggedIn(ts.url, "tech1", ts.demoPassword);
  poller = new CameraPoller({ ...deps, log: deps.log }, fast);
  for (let i = 0; i < 12; i += 1) await addSimCamera(`SIM-${i}`, i);
  await poller.dispatch().catch(() => {}); // creates the health rows (the queue itself is not run here)
  await deps.pool.query(
    "SELECT graphile_worker.remove_job(key) FROM graphile_worker._private_jobs WHERE key IS NOT NULL",
  );
});

afterAll(async () => {
  await poller?.close();
  await sim?.close();
  await ts?.close();
});

const checks = async (id: string, n: number) => {
  for (let i = 0; i < n; i += 1) await poller.checkNow([id]);
};

describe("health states from simulated faults, with damping", () => {
  it("a healthy camera goes unknown → online on its first answer", async () => {
    await checks("SIM-0", 1);
    expect(await stateOf("SIM-0")).toMatchObject({
      state: "online",
      status: "online",
      reasons: ["checks_passed"],
    });
  });

  it("goes offline only after three failed checks, with one event row and one live event", async () => {
    await checks("SIM-1", 1);
    sim.setFault(sim.cameras[1]!.id, { kind: "offline", mode: "reset" });
    await checks("SIM-1", 2);
    expect((await stateOf("SIM-1")).state).toBe("online");
    await checks("SIM-1", 1);
    expect(await stateOf("SIM-1")).toMatchObject({
      state: "offline",
      status: "offline",
      reasons: ["unreachable"],
    });
    const events = await deps.pool.query(
      "SELECT from_state, to_state FROM camera_events WHERE camera_id = 'SIM-1' AND kind = 'state_changed' ORDER BY id",
    );
    expect(events.rows).toEqual([
      { from_state: "unknown", to_state: "online" },
      { from_state: "online", to_state: "offline" },
    ]);
    const outbox = await deps.pool.query<{ payload: { status: string; previousStatus: string } }>(
      "SELECT payload FROM outbox WHERE topic = 'camera.status' AND camera_id = 'SIM-1' ORDER BY id",
    );
    expect(outbox.rows.map((r) => r.payload.status)).toEqual(["online", "offline"]);
    const n = await deps.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM camera_health_checks WHERE camera_id = 'SIM-1'",
    );
    expect(n.rows[0]!.n).toBe(4);
    sim.clearFaults(sim.cameras[1]!.id);
    await checks("SIM-1", 1);
    expect((await stateOf("SIM-1")).state).toBe("offline");
    await checks("SIM-1", 1);
    expect((await stateOf("SIM-1")).state).toBe("online");
  });

  it("a silent (black-holed) camera is offline without hanging the check", async () => {
    sim.setFault(sim.cameras[2]!.id, { kind: "offline", mode: "silent" });
    const started = Date.now();
    await checks("SIM-2", 3);
    expect(Date.now() - started).toBeLessThan(3 * fast.checkDeadlineMs + 1_000);
    expect((await stateOf("SIM-2")).state).toBe("offline");
  });

  it("a slow camera (answers after the timeout) counts as offline", async () => {
    sim.setFault(sim.cameras[3]!.id, { kind: "slow", delayMs: 1_500 });
    await checks("SIM-3", 3);
    expect((await stateOf("SIM-3")).state).toBe("offline");
  });

  it("clock drift makes the camera degraded with the clock_drift reason", async () => {
    sim.setFault(sim.cameras[4]!.id, { kind: "clock_drift", seconds: 600 });
    await checks("SIM-4", 4);
    expect(await stateOf("SIM-4")).toMatchObject({ state: "degraded", reasons: ["clock_drift"] });
  });

  it("wrong credentials → auth_failed, then no more authenticated attempts until the credentials change", async () => {
    const camId = sim.cameras[5]!.id;
    sim.setFault(camId, { kind: "auth_failure" });
    await checks("SIM-5", 3);
    expect((await stateOf("SIM-5")).state).toBe("auth_failed");
    const rejectionsAtFailure = sim.stats(camId).authRejections;
    // Once per cycle at most: three cycles, and the transport's one clock re-sync retry per call.
    expect(rejectionsAtFailure).toBeLessThanOrEqual(6);
    await checks("SIM-5", 3);
    expect(sim.stats(camId).authRejections).toBe(rejectionsAtFailure);
    expect((await stateOf("SIM-5")).state).toBe("auth_failed");
    sim.clearFaults(camId);
    const patched = await tech.patch("/api/v1/cameras/SIM-5", {
      credentials: { username: sim.cameras[5]!.username, password: sim.cameras[5]!.password },
    });
    expect(patched.status).toBe(200);
    expect((await stateOf("SIM-5")).state).toBe("unknown");
    await checks("SIM-5", 1);
    expect((await stateOf("SIM-5")).state).toBe("online");
  });
});

describe("maintenance and escalation", () => {
  it("opens one incident in the camera's cell after the offline threshold (controllable clock)", async () => {
    // SIM-2 and SIM-3 are offline since the tests above.
    const since = (
      await deps.pool.query<{ since: Date }>("SELECT since FROM camera_health WHERE camera_id = 'SIM-2'")
    ).rows[0]!.since;
    const early = await escalateOfflineCameras(deps, {
      clock: new ManualClock(new Date(since.getTime() + 29 * 60_000)),
      offlineMinutes: 30,
      mode: "incident",
    });
    expect(early.incidents).toBe(0);
    const late = await escalateOfflineCameras(deps, {
      clock: new ManualClock(new Date(since.getTime() + 31 * 60_000)),
      offlineMinutes: 30,
      mode: "incident",
    });
    expect(late.incidents).toBeGreaterThanOrEqual(1);
    const inc = await deps.pool.query<{
      category_code: string;
      source: string;
      cell_code: string;
      camera_cell: string;
    }>(
      `SELECT i.category_code, i.source, i.cell_code, c.cell_code AS camera_cell FROM incidents i JOIN cameras c ON c.id = i.camera_id WHERE i.camera_id = 'SIM-2'`,
    );
    expect(inc.rows).toHaveLength(1);
    expect(inc.rows[0]).toMatchObject({ category_code: "camera_fault", source: "camera_health" });
    expect(inc.rows[0]!.cell_code).toBe(inc.rows[0]!.camera_cell);
    const again = await escalateOfflineCameras(deps, {
      clock: new ManualClock(new Date(since.getTime() + 90 * 60_000)),
      offlineMinutes: 30,
      mode: "incident",
    });
    expect(again.incidents).toBe(0);
  });

  it("maintenance silences: no alerts, no escalation, until it ends", async () => {
    await checks("SIM-6", 1);
    const on = await tech.post("/api/v1/cameras/SIM-6/maintenance", { on: true, note: "replacing lens" });
    expect(on.status).toBe(200);
    expect(on.body).toEqual({ state: "maintenance", changed: true });
    sim.setFault(sim.cameras[6]!.id, { kind: "offline" });
    await checks("SIM-6", 4);
    expect((await stateOf("SIM-6")).state).toBe("maintenance");
    const clock = new ManualClock(new Date(Date.now() + 3 * 3_600_000));
    const report = await escalateOfflineCameras(deps, { clock, offlineMinutes: 30, mode: "incident" });
    expect(report.failed).toEqual([]);
    const inc = await deps.pool.query("SELECT 1 FROM incidents WHERE camera_id = 'SIM-6'");
    expect(inc.rows).toHaveLength(0);
    const off = await tech.post("/api/v1/cameras/SIM-6/maintenance", { on: false });
    expect(off.body).toEqual({ state: "unknown", changed: true });
    const page = await tech.get("/api/v1/cameras/SIM-6/health");
    expect(page.status).toBe(200);
    expect(page.body.events.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(["maintenance_started", "maintenance_ended"]),
    );
  });

  it("opens a repair ticket instead when configured so, once per outage", async () => {
    sim.setFault(sim.cameras[7]!.id, { kind: "offline" });
    await checks("SIM-7", 3);
    const since = (
      await deps.pool.query<{ since: Date }>("SELECT since FROM camera_health WHERE camera_id = 'SIM-7'")
    ).rows[0]!.since;
    const clock = new ManualClock(new Date(since.getTime() + 45 * 60_000));
    const report = await escalateOfflineCameras(deps, { clock, offlineMinutes: 30, mode: "ticket" });
    expect(report.tickets).toBe(1);
    const tickets = await tech.get("/api/v1/tickets?camera_id=SIM-7");
    expect(tickets.body.tickets).toHaveLength(1);
    expect(tickets.body.tickets[0]).toMatchObject({ state: "open", source: "camera_offline" });
    expect((await escalateOfflineCameras(deps, { clock, offlineMinutes: 30, mode: "ticket" })).tickets).toBe(
      0,
    );
  });
});

describe("technician board", () => {
  it("lists the fleet with filters and counts per state", async () => {
    const all = await tech.get("/api/v1/health/fleet?limit=1000");
    expect(all.status).toBe(200);
    expect(all.body.counts.offline).toBeGreaterThanOrEqual(3);
    const offline = await tech.get("/api/v1/health/fleet?state=offline&q=SIM");
    expect(offline.body.cameras.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining(["SIM-2", "SIM-3"]),
    );
    expect(offline.body.cameras.every((c: { state: string }) => c.state === "offline")).toBe(true);
    const bad = await tech.get("/api/v1/health/fleet?state=broken");
    expect(bad.status).toBe(400);
  });

  it("shows uptime over 24 h / 7 d / 30 d and the event timeline", async () => {
    const page = await tech.get("/api/v1/cameras/SIM-1/health");
    expect(page.status).toBe(200);
    expect(page.body.health.state).toBe("online");
    const { h24, d7, d30 } = page.body.uptime_pct;
    expect(h24).toBeGreaterThan(0);
    expect(h24).toBeLessThan(100);
    expect(d7).toBe(h24);
    expect(d30).toBe(h24);
    expect(page.body.timeline.map((t: { to_state: string }) => t.to_state)).toEqual([
      "online",
      "offline",
      "online",
    ]);
    expect((await tech.get("/api/v1/cameras/SIM-1/snapshot")).status).toBe(404);
  });
});

/** Camera ids per live batch job (queued or running), as the dispatcher sees them. */
async function batchedCameraIds(): Promise<string[][]> {
  const pending = await selectPendingJobs(deps.pool, BATCH_KEY);
  return pending.map((job) => (job.payload as { cameraIds: string[] }).cameraIds);
}

const clearBatchJobs = () =>
  // Test-only: stands in for the queue draining (or a crashed worker's jobs being cleaned up).
  deps.pool.query("DELETE FROM graphile_worker._private_jobs WHERE key LIKE $1 || '%'", [BATCH_KEY]);

describe("poller on the queue", () => {
  it("queues due cameras in batches, never one camera in two live batches; a crashed worker's batch stops counting after the lease", async () => {
    await clearBatchJobs();
    // Only the twelve simulator cameras are due (the demo district's cameras are not part of this).
    await deps.pool.query(
      `UPDATE camera_health SET next_check_at = CASE WHEN camera_id LIKE 'SIM-%' THEN now() - interval '1 minute'
              ELSE now() + interval '1 day' END`,
    );
    const batcher = new CameraPoller(deps, { ...fast, batchSize: 5, deepChecksPerMinute: 0 });
    try {
      const first = await batcher.dispatch();
      expect(first).toMatchObject({ shallow: 12, batches: 3 });
      const batches = await batchedCameraIds();
      expect(batches.map((ids) => ids.length)).toEqual([5, 5, 2]);
      expect(new Set(batches.flat()).size).toBe(12);
      expect(await batcher.dispatch()).toMatchObject({ shallow: 0, batches: 0 });
      // The worker that took the batch with SIM-8 died an hour ago (graphile-worker keeps the lock for 4 h).
      await deps.pool.query(
        `UPDATE graphile_worker._private_jobs SET locked_at = now() - interval '1 hour', locked_by = 'crashed', attempts = 1
          WHERE key LIKE $1 || '%' AND payload::jsonb -> 'cameraIds' ? 'SIM-8'`,
        [BATCH_KEY],
      );
      const again = await batcher.dispatch();
      const orphaned = batches.find((ids) => ids.includes("SIM-8"))!;
      expect(again).toMatchObject({ shallow: orphaned.length, batches: 1 });
      const live = (await batchedCameraIds()).at(-1)!;
      expect(new Set(live)).toEqual(new Set(orphaned));
    } finally {
      await batcher.close();
      await clearBatchJobs();
    }
  });

  it("checks every camera through batch jobs, one live batch per camera at most, and stops cleanly", async () => {
    for (const i of [8, 9, 10, 11]) sim.clearFaults(sim.cameras[i]!.id);
    sim.setFault(sim.cameras[11]!.id, { kind: "slow", delayMs: 1_500 });
    await deps.pool.query("UPDATE camera_health SET next_check_at = now() - interval '1 minute'");
    const running = await startCameraPoller(
      { ...deps },
      { ...fast, dispatchEveryMs: 300, batchSize: 4, workerConcurrency: 2, deepChecksPerMinute: 0 },
    );
    try {
      // Dispatch again and again while checks are in flight: no camera is queued twice.
      for (let i = 0; i < 5; i += 1) {
        await running.poller.dispatch();
        const listed = (await batchedCameraIds()).flat();
        expect(listed.length).toBe(new Set(listed).size);
      }
      await expect.poll(async () => (await stateOf("SIM-8")).state, { timeout: 10_000 }).toBe("online");
      await expect
        .poll(async () => running.poller.stats.shallow, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(12);
      // Twelve due cameras in batches of four: three queue round trips, not twelve.
      expect(running.poller.stats.batches).toBeGreaterThanOrEqual(3);
      expect(running.poller.stats.batches).toBeLessThan(running.poller.stats.shallow);
    } finally {
      const stopStarted = Date.now();
      await running.stop();
      expect(Date.now() - stopStarted).toBeLessThan(fast.checkDeadlineMs + 3_000);
    }
  });
});

describe("several poller processes", () => {
  it("share the fleet: each due camera is checked exactly once, by whichever runner took its batch", async () => {
    await clearBatchJobs();
    const simIds = Array.from({ length: 12 }, (_, i) => `SIM-${i}`);
    // Slow answers keep each batch busy long enough for both runners to take some.
    for (const cam of sim.cameras) sim.setFault(cam.id, { kind: "slow", delayMs: 150 });
    const started = new Date();
    await deps.pool.query(
      `UPDATE camera_health SET next_check_at = CASE WHEN camera_id = ANY($1::text[]) THEN now() - interval '1 minute'
              ELSE now() + interval '1 day' END`,
      [simIds],
    );
    const options = {
      ...fast,
      dispatchEveryMs: 300,
      batchSize: 2,
      workerConcurrency: 1,
      deepChecksPerMinute: 0,
    };
    const a = await startCameraPoller({ ...deps }, options);
    const b = await startCameraPoller({ ...deps }, options);
    try {
      const checked = async () =>
        (
          await deps.pool.query<{ camera_id: string; n: number }>(
            `SELECT camera_id, count(*)::int AS n FROM camera_health_checks
              WHERE camera_id = ANY($1::text[]) AND checked_at >= $2 GROUP BY camera_id ORDER BY camera_id`,
            [simIds, started],
          )
        ).rows;
      await expect.poll(async () => (await checked()).length, { timeout: 15_000 }).toBe(12);
      // A second look after more dispatch rounds: still once each (next checks are 15 s or more away).
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect((await checked()).every((row) => row.n === 1)).toBe(true);
      expect(a.poller.stats.batches).toBeGreaterThan(0);
      expect(b.poller.stats.batches).toBeGreaterThan(0);
      expect(a.poller.stats.shallow + b.poller.stats.shallow).toBe(12);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      for (const cam of sim.cameras) sim.clearFaults(cam.id);
    }
  });
});

describe("demo fleet", () => {
  it("points demo cameras at the simulator and brings them online through the poller", async () => {
    const { startDemoCameraFleet } = await import("./demo-fleet.js");
    const fleet = await startDemoCameraFleet(deps, {
      count: 30,
      rtsp: false,
      faultEverySeconds: 0,
      poller: { dispatchEveryMs: 300, requestTimeoutMs: 1_000 },
    });
    try {
      expect(fleet.cameraIds).toHaveLength(30);
      const online = async () =>
        (
          await deps.pool.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM cameras WHERE id = ANY($1::text[]) AND status = 'online'",
            [fleet.cameraIds],
          )
        ).rows[0]!.n;
      await expect.poll(online, { timeout: 15_000, interval: 300 }).toBe(30);
      const leaked = await deps.pool.query(
        "SELECT 1 FROM cameras WHERE id = ANY($1::text[]) AND credentials_enc LIKE '%' || $2 || '%'",
        [fleet.cameraIds, fleet.simulator.cameras[0]!.password],
      );
      expect(leaked.rows).toHaveLength(0);
    } finally {
      await fleet.stop();
    }
  });
});
