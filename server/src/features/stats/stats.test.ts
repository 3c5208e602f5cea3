import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { csvCell } from "./stats.service.js";

let server: TestServer;
let admin: TestClient;
let leader1: TestClient;
/** Two grids of one street (A, B), one grid of another street (C). */
let A: string;
let B: string;
let C: string;
let streetAB: string;
let leader1Grid: string;

const period = "from=2026-05-01T00:00:00Z&to=2026-06-01T00:00:00Z";

type Fixture = {
  reported: string;
  state?: string;
  closed?: string;
  overdue?: boolean;
  openOverdue?: boolean;
  rating?: string;
  mergedInto?: number;
  priority?: string;
};
const ids: Record<string, number> = {};

async function incident(cell: string, f: Fixture) {
  const { rows } = await server.db.pool.query<{ id: number }>(
    `INSERT INTO incidents (category_code, source, description, geom, cell_code, reporter, reported_at, updated_at, state, closed_at, merged_into_id, priority)
     SELECT 'other', 'manual', 'stats fixture', ST_PointOnSurface(geom), code, 'fixture', $2, $2, $3, $4, $5, $6 FROM cells WHERE code = $1
     RETURNING id`,
    [cell, f.reported, f.state ?? "reported", f.closed ?? null, f.mergedInto ?? null, f.priority ?? "normal"],
  );
  const id = rows[0]!.id;
  if (f.openOverdue) {
    await server.db.pool.query(
      `INSERT INTO incident_deadlines (incident_id, stage, calendar_code, limit_minutes, started_at, overdue_at)
       VALUES ($1, 'resolve', 'cn-mainland', 60, $2, $2)`,
      [id, f.reported],
    );
  }
  if (f.overdue) {
    await server.db.pool.query(
      `INSERT INTO incident_deadlines (incident_id, stage, calendar_code, limit_minutes, started_at, overdue_at, finished_at)
       VALUES ($1, 'resolve', 'cn-mainland', 60, $2, $2, $2)`,
      [id, f.reported],
    );
  }
  if (f.rating) {
    await server.db.pool.query(
      "INSERT INTO incident_callbacks (incident_id, rating, recorded_at) VALUES ($1, $2, now())",
      [id, f.rating],
    );
  }
  return id;
}

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
  leader1 = await TestClient.loggedIn(server.url, "leader1", server.demoPassword);
  const pick = await server.db.pool.query<{ a: string; b: string; street: string; c: string }>(
    `WITH g AS (SELECT code, path[2] AS street FROM cells WHERE level = 'grid' AND retired_at IS NULL)
     SELECT s.a, s.b, s.street, (SELECT code FROM g WHERE g.street <> s.street ORDER BY code LIMIT 1) AS c
       FROM (SELECT min(code) AS a, max(code) AS b, street FROM g GROUP BY street HAVING count(*) >= 2 ORDER BY street LIMIT 1) s`,
  );
  ({ a: A, b: B, c: C, street: streetAB } = pick.rows[0]!);
  const mine = await server.db.pool.query<{ cell_code: string }>(
    "SELECT uc.cell_code FROM user_cells uc JOIN users u ON u.id = uc.user_id WHERE u.username = 'leader1'",
  );
  leader1Grid = mine.rows[0]!.cell_code;

  const a1 = await incident(A, {
    reported: "2026-05-02T08:00:00Z",
    state: "closed",
    closed: "2026-05-02T10:00:00Z",
    rating: "satisfied",
  });
  await incident(A, {
    reported: "2026-05-03T00:00:00Z",
    state: "closed",
    closed: "2026-05-04T00:00:00Z",
    overdue: true,
    rating: "unsatisfied",
  });
  ids.a3 = await incident(A, { reported: "2026-05-10T00:00:00Z", state: "in_progress", overdue: true });
  ids.a1 = a1;
  // Open, urgent and overdue now, reported after the period (so the period figures do not change).
  ids.b3 = await incident(B, {
    reported: "2026-07-01T00:00:00Z",
    state: "dispatched",
    priority: "urgent",
    openOverdue: true,
  });
  await incident(A, { reported: "2026-04-30T23:59:59Z", state: "closed", closed: "2026-05-01T02:00:00Z" }); // before the period
  await incident(A, { reported: "2026-05-02T09:00:00Z", state: "voided", mergedInto: a1 }); // a duplicate merged away
  await incident(B, {
    reported: "2026-05-05T00:00:00Z",
    state: "closed",
    closed: "2026-05-05T04:00:00Z",
    rating: "basically_satisfied",
  });
  await incident(B, { reported: "2026-05-06T00:00:00Z", state: "voided" });
  await incident(C, { reported: "2026-06-01T00:00:00Z", state: "closed", closed: "2026-06-01T01:00:00Z" }); // at the end: excluded
  await incident(C, { reported: "2026-05-20T00:00:00Z", state: "closed", closed: "2026-05-20T06:00:00Z" });
});
afterAll(async () => {
  await server?.close();
});

const rowOf = (cells: { cellCode: string }[], code: string) => cells.find((c) => c.cellCode === code);

describe("incident statistics", () => {
  it("per grid, against hand-computed figures", async () => {
    const res = await admin.get(`/api/v1/stats/incidents?${period}&level=grid`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(rowOf(res.body.cells, A)).toMatchObject({
      received: 3,
      closed: 2,
      closedOnTime: 1,
      closedOnTimeRate: 0.5,
      overdue: 2,
      avgHandlingHours: 13,
      callbacks: 2,
      satisfied: 1,
      basicallySatisfied: 0,
      unsatisfied: 1,
      satisfactionRate: 0.5,
    });
    expect(rowOf(res.body.cells, B)).toMatchObject({
      received: 2,
      closed: 1,
      closedOnTime: 1,
      closedOnTimeRate: 1,
      overdue: 0,
      avgHandlingHours: 4,
      callbacks: 1,
      satisfactionRate: 1,
    });
    expect(rowOf(res.body.cells, C)).toMatchObject({
      received: 1,
      closed: 1,
      avgHandlingHours: 6,
      callbacks: 0,
      satisfactionRate: null,
    });
    const others = res.body.cells.filter((c: { cellCode: string }) => ![A, B, C].includes(c.cellCode));
    expect(
      others.every(
        (c: { received: number; closedOnTimeRate: null }) => c.received === 0 && c.closedOnTimeRate === null,
      ),
    ).toBe(true);
  });

  it("per street, adding up its grids", async () => {
    const res = await admin.get(`/api/v1/stats/incidents?${period}&level=street`);
    expect(rowOf(res.body.cells, streetAB)).toMatchObject({
      level: "street",
      received: 5,
      closed: 3,
      closedOnTime: 2,
      closedOnTimeRate: 0.6667,
      overdue: 2,
      avgHandlingHours: 10,
      callbacks: 3,
      satisfactionRate: 0.6667,
    });
    const total = res.body.cells.reduce((n: number, c: { received: number }) => n + c.received, 0);
    expect(total).toBe(6);
  });

  it("keeps a grid leader to their own cells", async () => {
    const grids = await leader1.get(`/api/v1/stats/incidents?${period}&level=grid`);
    expect(grids.body.cells.map((c: { cellCode: string }) => c.cellCode)).toEqual([leader1Grid]);
    const streets = await leader1.get(`/api/v1/stats/incidents?${period}&level=street`);
    expect(streets.body.cells).toEqual([]);
  });

  it("refuses a reversed or malformed period", async () => {
    expect((await admin.get("/api/v1/stats/incidents?from=2026-06-01&to=2026-05-01")).status).toBe(400);
    expect((await admin.get("/api/v1/stats/incidents?from=soon&to=2026-05-01")).status).toBe(400);
  });

  it("takes the levels of the configured cell scheme, the leaf level by default, and names them for an unknown one", async () => {
    const byDefault = await admin.get(`/api/v1/stats/incidents?${period}`);
    expect(byDefault.status).toBe(200);
    expect(byDefault.body.level).toBe("grid");
    const grids = await admin.get(`/api/v1/stats/incidents?${period}&level=grid`);
    expect(byDefault.body.cells).toEqual(grids.body.cells);
    for (const path of [
      `/api/v1/stats/incidents?${period}&level=block`,
      "/api/v1/stats/open-incidents?level=block",
    ]) {
      const res = await admin.get(path);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("unknown_level");
      expect(res.body.error.message).toContain("district, street, community, grid");
    }
  });

  it("exports CSV that a spreadsheet cannot run as a formula, and audits the export", async () => {
    await server.db.pool.query(
      "UPDATE cells SET name = $2, name_en = $2, version = version + 1 WHERE code = $1",
      [A, '=HYPERLINK("http://evil.example","click")'],
    );
    const res = await admin.get(`/api/v1/stats/incidents.csv?${period}&level=grid&lang=en`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const lines = res.text.replace(/^\uFEFF/, "").split("\r\n");
    expect(lines[0]).toBe(
      "Cell code,Name,Level,Received,Closed,Closed on time,Closed on time rate,Overdue,Average handling hours,Callbacks,Satisfied,Basically satisfied,Unsatisfied,Satisfaction rate",
    );
    const rowA = lines.find((l) => l.startsWith(`${A},`))!;
    expect(rowA).toBe(
      `${A},"'=HYPERLINK(""http://evil.example"",""click"")",grid,3,2,1,0.5,2,13,2,1,0,1,0.5`,
    );
    const zh = await admin.get(`/api/v1/stats/incidents.csv?${period}&level=grid`);
    expect(zh.text.split("\r\n")[0]).toContain("按时结案率");
    const audit = await server.db.pool.query(
      "SELECT details FROM audit_log WHERE action = 'stats.export' ORDER BY id",
    );
    expect(audit.rows).toHaveLength(2);
    expect(audit.rows[0].details.level).toBe("grid");
  });

  it("counts open and overdue incidents per cell for the map, with the top priority", async () => {
    const grids = await admin.get("/api/v1/stats/open-incidents?level=grid");
    expect(rowOf(grids.body.cells, A)).toMatchObject({ open: 1, overdue: 0, topPriority: "normal" });
    expect(rowOf(grids.body.cells, B)).toMatchObject({ open: 1, overdue: 1, topPriority: "urgent" });
    expect(rowOf(grids.body.cells, C)).toMatchObject({ open: 0, overdue: 0, topPriority: null });
    const streets = await admin.get("/api/v1/stats/open-incidents?level=street");
    expect(rowOf(streets.body.cells, streetAB)).toMatchObject({ open: 2, overdue: 1, topPriority: "urgent" });
  });

  it("serves incidents as GeoJSON for the map: open by default, bbox, scope", async () => {
    const open = await admin.get("/api/v1/incidents.geojson");
    expect(open.body.type).toBe("FeatureCollection");
    const openIds = open.body.features.map((f: { id: number }) => f.id);
    expect(openIds).toEqual(expect.arrayContaining([ids.a3, ids.b3]));
    expect(openIds).not.toContain(ids.a1);
    const b3 = open.body.features.find((f: { id: number }) => f.id === ids.b3);
    expect(b3.geometry.type).toBe("Point");
    expect(b3.properties).toMatchObject({
      id: ids.b3,
      cellCode: B,
      priority: "urgent",
      state: "dispatched",
      overdue: true,
    });
    const all = await admin.get("/api/v1/incidents.geojson?open=false");
    expect(all.body.features.map((f: { id: number }) => f.id)).toContain(ids.a1);
    const nowhere = await admin.get("/api/v1/incidents.geojson?bbox=0,0,1,1");
    expect(nowhere.body.features).toEqual([]);
    const mine = await leader1.get("/api/v1/incidents.geojson?open=false");
    expect(
      mine.body.features.every(
        (f: { properties: { cellCode: string } }) => f.properties.cellCode === leader1Grid,
      ),
    ).toBe(true);
  });

  it("neutralises every formula prefix", () => {
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-1")).toBe("'-1");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(-1)).toBe("-1");
    expect(csvCell(null)).toBe("");
  });
});
