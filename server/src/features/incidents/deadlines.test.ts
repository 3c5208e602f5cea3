import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTransaction } from "../../db/pool.js";
import { ManualClock } from "../../jobs/clock.js";
import { migrateJobQueue } from "../../jobs/job-queue.js";
import { createLogger } from "../../logger.js";
import { selectPendingJobs } from "../../test-support/pending-jobs.js";
import { createTestDatabase, type TestDatabase } from "../../test-support/test-db.js";
import { fireDeadline } from "./deadlines.js";
import { createIncident, systemActor, transitionIncident } from "./incidents.service.js";
import { type DemoPlaces, demoPlaces } from "./test-fixtures.js";

let db: TestDatabase;
let places: DemoPlaces;
const tx = <T>(fn: Parameters<typeof withTransaction<T>>[1]) => withTransaction(db.pool, fn);
const operator = systemActor("test-operator", [
  "incidents:register",
  "incidents:dispatch",
  "incidents:handle",
  "incidents:verify",
]);
const at = (local: string) => new Date(`${local}+08:00`);

beforeAll(async () => {
  db = await createTestDatabase({ demo: true });
  await migrateJobQueue(db.pool, createLogger("silent"));
  places = await demoPlaces(db.pool);
});
afterAll(async () => {
  await db?.drop();
});

async function newIncident(clock: ManualClock, priority: "normal" | "urgent" = "normal") {
  const g = places.grids[0]!;
  const created = await tx((c) =>
    createIncident(
      c,
      {
        category: "traffic",
        source: "manual",
        priority,
        location: { lon: g.lon, lat: g.lat },
        description: "timer test",
        reporter: { userId: null, actor: "test" },
      },
      { clock },
    ),
  );
  return created.incident;
}

async function openDeadline(incidentId: number) {
  const { rows } = await db.pool.query(
    "SELECT id, stage, limit_minutes, warn_at, due_at, warned_at, overdue_at, used_minutes, running_since FROM incident_deadlines WHERE incident_id = $1 AND finished_at IS NULL",
    [incidentId],
  );
  return rows[0];
}

const fire = (deadlineId: number, kind: "warn" | "due", clock: ManualClock) =>
  tx((c) => fireDeadline(c, { deadlineId, kind }, clock));

describe("time limits with a controllable clock", () => {
  it("schedules the 80 % warning and the due time in working time, and escalates exactly when due", async () => {
    // Monday 2 March 2026, 10:00; register within 240 working minutes (lunch 12-13).
    const clock = new ManualClock(at("2026-03-02T10:00:00"));
    const incident = await newIncident(clock);
    const d = await openDeadline(incident.id);
    expect(d.stage).toBe("register");
    expect(d.limit_minutes).toBe(240);
    expect(d.warn_at.toISOString()).toBe(at("2026-03-02T14:12:00").toISOString());
    expect(d.due_at.toISOString()).toBe(at("2026-03-02T15:00:00").toISOString());

    const jobs = await selectPendingJobs(db.pool, `incident-deadline:${d.id}:`);
    expect(jobs.map((j) => [j.jobKey, j.runAt.toISOString()])).toEqual([
      [`incident-deadline:${d.id}:warn`, at("2026-03-02T14:12:00").toISOString()],
      [`incident-deadline:${d.id}:due`, at("2026-03-02T15:00:00").toISOString()],
    ]);

    clock.set(at("2026-03-02T14:11:59"));
    expect(await fire(d.id, "warn", clock)).toBe("not_yet");
    clock.set(at("2026-03-02T14:12:00"));
    expect(await fire(d.id, "warn", clock)).toBe("warned");
    expect(await fire(d.id, "warn", clock)).toBe("stale");
    clock.set(at("2026-03-02T14:59:00"));
    expect(await fire(d.id, "due", clock)).toBe("not_yet");
    clock.set(at("2026-03-02T15:00:00"));
    expect(await fire(d.id, "due", clock)).toBe("escalated");

    const { rows: timeline } = await db.pool.query(
      "SELECT kind, occurred_at, details FROM incident_events WHERE incident_id = $1 ORDER BY id",
      [incident.id],
    );
    expect(timeline.map((e) => e.kind)).toEqual(["created", "time_limit_warning", "overdue"]);
    expect(timeline[2].occurred_at.toISOString()).toBe(at("2026-03-02T15:00:00").toISOString());
    expect(timeline[2].details.escalatedTo).toEqual({
      parentCellCode: places.grids[0]!.parent,
      parentLeaderUserIds: [],
      commandCentre: true,
    });
    const { rows: events } = await db.pool.query(
      "SELECT payload->>'action' AS action, payload->'incident'->>'overdue' AS overdue, roles FROM outbox WHERE topic = 'incident.updated' AND payload->'incident'->>'id' = $1 ORDER BY id",
      [String(incident.id)],
    );
    expect(events.map((e) => [e.action, e.overdue])).toEqual([
      ["time_limit_warning", "false"],
      ["escalate", "true"],
    ]);
    expect(events[1].roles).toEqual(["commander", "operator"]);
  });

  it("escalates to the parent cell's leader when there is one", async () => {
    const parent = places.grids[0]!.parent;
    await db.pool.query(`INSERT INTO user_cells (user_id, cell_code) VALUES ($1, $2)`, [
      places.userIds.leader3,
      parent,
    ]);
    const clock = new ManualClock(at("2026-03-03T10:00:00"));
    const incident = await newIncident(clock, "urgent");
    const d = await openDeadline(incident.id);
    expect(d.limit_minutes).toBe(30);
    clock.set(d.due_at);
    expect(await fire(d.id, "due", clock)).toBe("escalated");
    const { rows } = await db.pool.query(
      "SELECT details FROM incident_events WHERE incident_id = $1 AND kind = 'overdue'",
      [incident.id],
    );
    expect(rows[0].details.escalatedTo.parentLeaderUserIds).toEqual([places.userIds.leader3]);
    await db.pool.query("DELETE FROM user_cells WHERE user_id = $1 AND cell_code = $2", [
      places.userIds.leader3,
      parent,
    ]);
  });

  it("counts a report made on Friday night from Monday morning", async () => {
    const clock = new ManualClock(at("2026-03-06T22:30:00"));
    const incident = await newIncident(clock);
    const d = await openDeadline(incident.id);
    expect(d.due_at.toISOString()).toBe(at("2026-03-09T14:00:00").toISOString());
  });

  it("pauses while suspended and resumes with the remaining time after the Qingming holiday", async () => {
    // Friday 3 April 2026, 10:00: registered, so the 60-minute dispatch limit runs.
    const clock = new ManualClock(at("2026-04-03T10:00:00"));
    const created = await newIncident(clock);
    const registered = await tx((c) =>
      transitionIncident(
        c,
        { id: created.id, action: "register", version: created.version },
        operator,
        clock,
      ),
    );
    let d = await openDeadline(created.id);
    expect(d.stage).toBe("dispatch");
    expect(d.due_at.toISOString()).toBe(at("2026-04-03T11:00:00").toISOString());

    clock.set(at("2026-04-03T10:30:00"));
    const suspended = await tx((c) =>
      transitionIncident(
        c,
        { id: created.id, action: "suspend", version: registered.version, note: "waiting for the owner" },
        operator,
        clock,
      ),
    );
    d = await openDeadline(created.id);
    expect(d.running_since).toBeNull();
    expect(d.used_minutes).toBe(30);
    expect(d.due_at).toBeNull();
    expect(await selectPendingJobs(db.pool, `incident-deadline:${d.id}:`)).toEqual([]);
    // A job that was already taken by a worker when the suspension came finds nothing to do.
    clock.set(at("2026-04-03T11:00:00"));
    expect(await fire(d.id, "due", clock)).toBe("stale");

    // Holidays 4-6 April; resumed Tuesday 7 April 09:00 with 30 minutes left (warning at 48 - 30 = 18).
    clock.set(at("2026-04-07T09:00:00"));
    const resumed = await tx((c) =>
      transitionIncident(
        c,
        { id: created.id, action: "resume", version: suspended.version },
        operator,
        clock,
      ),
    );
    expect(resumed.state).toBe("registered");
    d = await openDeadline(created.id);
    expect(d.warn_at.toISOString()).toBe(at("2026-04-07T09:18:00").toISOString());
    expect(d.due_at.toISOString()).toBe(at("2026-04-07T09:30:00").toISOString());
    const jobs = await selectPendingJobs(db.pool, `incident-deadline:${d.id}:`);
    expect(jobs.map((j) => j.runAt.toISOString())).toEqual([
      at("2026-04-07T09:18:00").toISOString(),
      at("2026-04-07T09:30:00").toISOString(),
    ]);
  });

  it("removes the timers of a finished stage and starts the next stage's", async () => {
    const clock = new ManualClock(at("2026-03-04T09:00:00"));
    const created = await newIncident(clock);
    const first = await openDeadline(created.id);
    await tx((c) =>
      transitionIncident(
        c,
        { id: created.id, action: "register", version: created.version },
        operator,
        clock,
      ),
    );
    expect(await selectPendingJobs(db.pool, `incident-deadline:${first.id}:`)).toEqual([]);
    expect(await fire(first.id, "due", new ManualClock(at("2026-03-05T09:00:00")))).toBe("stale");
    const next = await openDeadline(created.id);
    expect(next.stage).toBe("dispatch");
    expect((await selectPendingJobs(db.pool, `incident-deadline:${next.id}:`)).length).toBe(2);
  });
});
