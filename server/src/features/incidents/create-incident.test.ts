import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTransaction } from "../../db/pool.js";
import { ManualClock } from "../../jobs/clock.js";
import { migrateJobQueue } from "../../jobs/job-queue.js";
import { createLogger } from "../../logger.js";
import { createTestDatabase, type TestDatabase } from "../../test-support/test-db.js";
import {
  type CreateIncidentInput,
  createIncident,
  systemActor,
  transitionIncident,
} from "./incidents.service.js";
import { type DemoPlaces, demoPlaces } from "./test-fixtures.js";

let db: TestDatabase;
let places: DemoPlaces;
const clock = new ManualClock("2026-03-02T02:00:00Z");
const create = (input: Partial<CreateIncidentInput> & Pick<CreateIncidentInput, "location">) =>
  withTransaction(db.pool, (c) =>
    createIncident(
      c,
      {
        category: "camera_fault",
        source: "camera_health",
        description: "camera offline",
        reporter: { userId: null, actor: "system:test" },
        ...input,
      },
      { clock },
    ),
  );

beforeAll(async () => {
  db = await createTestDatabase({ demo: true });
  await migrateJobQueue(db.pool, createLogger("silent"));
  places = await demoPlaces(db.pool);
});
afterAll(async () => {
  await db?.drop();
});

describe("createIncident (service, as other features call it)", () => {
  it("gives a point on a vertex shared by several grids to the lowest code", async () => {
    const { rows } = await db.pool.query<{ lon: number; lat: number; owners: string[] }>(
      `WITH v AS (
         SELECT c.code, (ST_DumpPoints(c.geom)).geom AS pt FROM cells c WHERE c.level = 'grid' AND c.retired_at IS NULL
       )
       SELECT ST_X(pt) AS lon, ST_Y(pt) AS lat, array_agg(DISTINCT code ORDER BY code) AS owners
         FROM v GROUP BY pt HAVING count(DISTINCT code) >= 2 LIMIT 3`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const vertex of rows) {
      const covering = await db.pool.query<{ code: string }>(
        `SELECT code FROM cells WHERE level = 'grid' AND retired_at IS NULL
            AND ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) ORDER BY code COLLATE "C"`,
        [vertex.lon, vertex.lat],
      );
      const created = await create({
        category: "other",
        source: "manual",
        location: { lon: vertex.lon, lat: vertex.lat },
      });
      expect(created.incident.cellCode).toBe(covering.rows[0]!.code);
      expect(covering.rows.length).toBeGreaterThanOrEqual(2);
    }
  });

  it("opens one incident per source reference while it is open, and a new one after closing", async () => {
    const g = places.grids[0]!;
    const first = await create({ sourceRef: "cam-001", location: { lon: g.lon, lat: g.lat } });
    expect(first.existing).toBe(false);
    const again = await create({ sourceRef: "cam-001", location: { lon: g.lon, lat: g.lat } });
    expect(again.existing).toBe(true);
    expect(again.incident.id).toBe(first.incident.id);

    const everyone = systemActor("test", [
      "incidents:register",
      "incidents:dispatch",
      "incidents:handle",
      "incidents:verify",
    ]);
    let version = first.incident.version;
    for (const action of ["register", "dispatch", "accept", "feed_back", "verify", "close"] as const) {
      const moved = await withTransaction(db.pool, (c) =>
        transitionIncident(c, { id: first.incident.id, action, version }, everyone, clock),
      );
      version = moved.version;
    }
    const later = await create({ sourceRef: "cam-001", location: { lon: g.lon, lat: g.lat } });
    expect(later.existing).toBe(false);
    expect(later.incident.id).not.toBe(first.incident.id);
  });

  it("assigns the grid leader of the cell, preferring the cells feature's leader assignment", async () => {
    const g = places.grids[0]!;
    const byRole = await create({
      category: "other",
      source: "manual",
      location: { lon: g.lon, lat: g.lat },
    });
    expect(byRole.incident.assigneeUserId).toBe(places.userIds.leader1);
    await db.pool.query("INSERT INTO cell_assignments (cell_code, user_id, role) VALUES ($1, $2, 'leader')", [
      g.code,
      places.userIds.worker1,
    ]);
    const byAssignment = await create({
      category: "other",
      source: "manual",
      location: { lon: g.lon, lat: g.lat },
    });
    expect(byAssignment.incident.assigneeUserId).toBe(places.userIds.worker1);
    await db.pool.query("DELETE FROM cell_assignments WHERE cell_code = $1", [g.code]);
  });

  it("rolls back with the caller's transaction: no incident, no timer, no event", async () => {
    const g = places.grids[0]!;
    const count = async () =>
      (
        await db.pool.query<{ i: number; d: number; o: number }>(
          "SELECT (SELECT count(*) FROM incidents)::int AS i, (SELECT count(*) FROM incident_deadlines)::int AS d, (SELECT count(*) FROM outbox)::int AS o",
        )
      ).rows[0];
    const before = await count();
    await expect(
      withTransaction(db.pool, async (c) => {
        await createIncident(
          c,
          {
            category: "other",
            source: "manual",
            description: "x",
            location: { lon: g.lon, lat: g.lat },
            reporter: { userId: null, actor: "t" },
          },
          { clock },
        );
        throw new Error("caller failed afterwards");
      }),
    ).rejects.toThrow("caller failed afterwards");
    expect(await count()).toEqual(before);
  });
});
