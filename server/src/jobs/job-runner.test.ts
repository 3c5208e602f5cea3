import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { withTransaction } from "../db/pool.js";
import { createIncident } from "../features/incidents/incidents.service.js";
import { createLogger } from "../logger.js";
import { selectPendingJobs } from "../test-support/pending-jobs.js";
import { createTestDatabase, type TestDatabase } from "../test-support/test-db.js";
import { systemClock } from "./clock.js";
import { migrateJobQueue, scheduleJob } from "./job-queue.js";
import { collectJobs, type JobDeps, type JobRegistrar, JobRegistryError } from "./job-registry.js";
import { startJobRunner } from "./job-runner.js";

/** A task that records that it ran, in a scratch table. */
const features: JobRegistrar[] = [
  () => ({
    tasks: {
      "test.probe": async (payload, ctx) => {
        await ctx.pool.query("INSERT INTO job_probe (label) VALUES ($1)", [
          (payload as { label: string }).label,
        ]);
      },
    },
  }),
];

let db: TestDatabase;
let deps: JobDeps;
const log = createLogger("silent");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number): Promise<T | null> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null || Date.now() > until) return value;
    await sleep(100);
  }
}

beforeAll(async () => {
  db = await createTestDatabase({ demo: true });
  await migrateJobQueue(db.pool, log);
  await db.pool.query(
    "CREATE TABLE job_probe (label text NOT NULL, ran_at timestamptz NOT NULL DEFAULT clock_timestamp())",
  );
  deps = {
    pool: db.pool,
    log,
    clock: systemClock,
    withTransaction: (fn) => withTransaction(db.pool, fn),
    config: loadConfig({ NODE_ENV: "test" }),
  };
});
afterAll(async () => {
  await db?.drop();
});

const probeRows = async (label: string) => {
  const { rows } = await db.pool.query("SELECT label FROM job_probe WHERE label = $1", [label]);
  return rows.length ? rows : null;
};

describe("job runner", () => {
  it("runs a job scheduled while no worker was running, after a restart", async () => {
    const first = await startJobRunner(deps, { registrars: features, pollIntervalMs: 200 });
    await scheduleJob(db.pool, {
      task: "test.probe",
      payload: { label: "after-restart" },
      runAt: new Date(Date.now() + 1500),
      jobKey: "probe:1",
    });
    await first.stop();
    await sleep(2000);
    expect(await probeRows("after-restart")).toBeNull();
    expect(await selectPendingJobs(db.pool, "probe:1")).toHaveLength(1);

    const second = await startJobRunner(deps, { registrars: features, pollIntervalMs: 200 });
    try {
      expect(await waitFor(() => probeRows("after-restart"), 10_000)).toHaveLength(1);
      expect(await selectPendingJobs(db.pool, "probe:1")).toEqual([]);
    } finally {
      await second.stop();
    }
  });

  it("fires a real incident time limit on a new worker after the first one stopped", async () => {
    const grid = await db.pool.query<{ lon: number; lat: number }>(
      "SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM cells WHERE level = 'grid' ORDER BY code LIMIT 1",
    );
    const created = await withTransaction(db.pool, (c) =>
      createIncident(c, {
        category: "fire_risk",
        source: "manual",
        location: grid.rows[0]!,
        description: "restart test",
        reporter: { userId: null, actor: "test" },
      }),
    );
    const first = await startJobRunner(deps, { pollIntervalMs: 200 });
    await first.stop();
    // Bring the stored due time (and its job) to just past now, as if the limit had run out while down.
    const { rows } = await db.pool.query<{ id: number }>(
      `UPDATE incident_deadlines SET warned_at = now(), due_at = now() + interval '500 milliseconds'
        WHERE incident_id = $1 AND finished_at IS NULL RETURNING id`,
      [created.incident.id],
    );
    const deadlineId = rows[0]!.id;
    await scheduleJob(db.pool, {
      task: "incidents.deadline",
      payload: { deadlineId, kind: "due" },
      runAt: new Date(Date.now() + 500),
      jobKey: `incident-deadline:${deadlineId}:due`,
    });
    await sleep(800);
    const second = await startJobRunner(deps, { pollIntervalMs: 200 });
    try {
      const overdue = await waitFor(async () => {
        const r = await db.pool.query(
          "SELECT overdue_at FROM incident_deadlines WHERE id = $1 AND overdue_at IS NOT NULL",
          [deadlineId],
        );
        return r.rows[0] ?? null;
      }, 10_000);
      expect(overdue).not.toBeNull();
      const events = await db.pool.query(
        "SELECT kind FROM incident_events WHERE incident_id = $1 ORDER BY id",
        [created.incident.id],
      );
      expect(events.rows.map((e) => e.kind)).toEqual(["created", "overdue"]);
    } finally {
      await second.stop();
    }
  });

  it("refuses two handlers for one task and cron items without a handler", () => {
    expect(() => collectJobs(deps, [...features, ...features])).toThrow(JobRegistryError);
    expect(() =>
      collectJobs(deps, [
        () => ({ tasks: {}, cron: [{ task: "nope", match: "* * * * *", identifier: "x" }] }),
      ]),
    ).toThrow(/has no handler/);
  });
});
