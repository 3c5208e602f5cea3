import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";

let server: TestServer;
let admin: TestClient;
const ids = new Map<string, number>();

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
  const { rows } = await server.db.pool.query<{ id: number; username: string }>(
    "SELECT id, username FROM users",
  );
  for (const r of rows) ids.set(r.username, r.id);
});
afterAll(() => server?.close());

describe("grid leaders and workers", () => {
  it("lists the people who may be appointed without waiting for an edit holding the grid", async () => {
    const leader1 = await TestClient.loggedIn(server.url, "leader1", server.demoPassword);
    const grid = (await leader1.get("/api/v1/auth/me")).body.cells[0] as string;
    const editor = await server.db.pool.connect();
    try {
      // An edit of the grid in progress: its row is locked until that transaction ends.
      await editor.query("BEGIN");
      await editor.query("SELECT 1 FROM cells WHERE code = $1 FOR UPDATE", [grid]);
      const listed = await Promise.race([
        admin.get(`/api/v1/cells/${grid}/assignable-people?role=worker`),
        new Promise<"blocked">((resolve) => setTimeout(() => resolve("blocked"), 3000)),
      ]);
      expect(listed).not.toBe("blocked");
      expect(listed === "blocked" ? null : listed.status).toBe(200);
    } finally {
      await editor.query("ROLLBACK");
      editor.release();
    }
  });

  it("keeps exactly one leader with history, workers, and a summary of the grid", async () => {
    const leader1 = await TestClient.loggedIn(server.url, "leader1", server.demoPassword);
    const grid = (await leader1.get("/api/v1/auth/me")).body.cells[0] as string;
    const first = await admin.request("PUT", `/api/v1/cells/${grid}/leader`, { user_id: ids.get("leader1") });
    expect(first.status).toBe(200);
    expect(first.body.leader).toMatchObject({ username: "leader1" });
    // leader2 cannot see this grid yet: appointing them is refused until their cells include it.
    const outside = await admin.request("PUT", `/api/v1/cells/${grid}/leader`, {
      user_id: ids.get("leader2"),
    });
    expect(outside.status).toBe(400);
    expect(outside.body.error.code).toBe("user_outside_cell");
    const offered = await admin.get(`/api/v1/cells/${grid}/assignable-people?role=leader`);
    expect(offered.status).toBe(200);
    const names = (r: { body: { users: { username: string }[] } }) => r.body.users.map((u) => u.username);
    expect(names(offered)).toEqual(["leader1"]);
    const { rows: leader2Cells } = await server.db.pool.query<{ code: string }>(
      "SELECT cell_code AS code FROM user_cells WHERE user_id = $1",
      [ids.get("leader2")],
    );
    expect(
      (
        await admin.patch(`/api/v1/users/${ids.get("leader2")}`, {
          cellCodes: [...leader2Cells.map((c) => c.code), grid],
        })
      ).status,
    ).toBe(200);
    expect(names(await admin.get(`/api/v1/cells/${grid}/assignable-people?role=leader`))).toEqual([
      "leader1",
      "leader2",
    ]);
    const second = await admin.request("PUT", `/api/v1/cells/${grid}/leader`, {
      user_id: ids.get("leader2"),
    });
    expect(second.body.leader).toMatchObject({ username: "leader2" });
    expect(second.body.history).toEqual([expect.objectContaining({ username: "leader1", role: "leader" })]);
    const { rows } = await server.db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM cell_assignments WHERE cell_code = $1 AND role = 'leader' AND valid_to IS NULL",
      [grid],
    );
    expect(rows[0]!.n).toBe(1);

    // A leader manages workers in their own grid but cannot appoint the leader.
    const workers = await leader1.get(`/api/v1/cells/${grid}/assignable-people?role=worker`);
    expect(workers.body.users.map((u: { username: string }) => u.username)).toEqual(
      expect.arrayContaining(["worker1", "leader1", "leader2"]),
    );
    expect((await leader1.get(`/api/v1/cells/${grid}/assignable-people?role=boss`)).status).toBe(400);
    const added = await leader1.post(`/api/v1/cells/${grid}/workers`, { user_id: ids.get("worker1") });
    expect(added.status).toBe(201);
    expect(added.body.workers.map((w: { username: string }) => w.username)).toEqual(["worker1"]);
    expect(
      (await leader1.post(`/api/v1/cells/${grid}/workers`, { user_id: ids.get("worker1") })).body.error.code,
    ).toBe("already_assigned");
    expect(
      (await leader1.request("PUT", `/api/v1/cells/${grid}/leader`, { user_id: ids.get("leader1") })).status,
    ).toBe(403);
    const viewer = await admin.post(`/api/v1/cells/${grid}/workers`, { user_id: ids.get("viewer") });
    expect(viewer.status).toBe(400);
    expect(viewer.body.error.code).toBe("user_lacks_role");

    const summary = await leader1.get(`/api/v1/cells/${grid}/summary`);
    expect(summary.status).toBe(200);
    const { rows: counts } = await server.db.pool.query<{
      cameras: number;
      checkpoints: number;
      area: number;
    }>(
      `SELECT (SELECT count(*)::int FROM cameras WHERE cell_code = $1) AS cameras,
              (SELECT count(*)::int FROM checkpoints WHERE cell_code = $1) AS checkpoints,
              (SELECT ST_Area(geom::geography) FROM cells WHERE code = $1) AS area`,
      [grid],
    );
    expect(summary.body).toMatchObject({
      cell: { code: grid, level: "grid" },
      leader: { username: "leader2" },
      workers: [{ username: "worker1" }],
      cameras: { total: counts[0]!.cameras },
      checkpoints: { total: counts[0]!.checkpoints },
    });
    expect(summary.body.cell.area_m2).toBeCloseTo(counts[0]!.area, 3);

    const removed = await leader1.delete(`/api/v1/cells/${grid}/workers/${ids.get("worker1")}`);
    expect(removed.status).toBe(200);
    expect(removed.body.workers).toEqual([]);
    const { rows: audit } = await server.db.pool.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE target_id = $1 AND action LIKE 'cell.%' ORDER BY id",
      [grid],
    );
    expect(audit.map((a) => a.action)).toEqual([
      "cell.leader.set",
      "cell.leader.set",
      "cell.worker.add",
      "cell.worker.remove",
    ]);
  });

  it("assigns people only to grids", async () => {
    const { rows } = await server.db.pool.query<{ code: string }>(
      "SELECT code FROM cells WHERE level = 'community' LIMIT 1",
    );
    const res = await admin.request("PUT", `/api/v1/cells/${rows[0]!.code}/leader`, {
      user_id: ids.get("leader1"),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("not_a_grid");
  });

  it("shows open incidents below the cell and a grid's latest daily report to those who may read them", async () => {
    const leader1 = await TestClient.loggedIn(server.url, "leader1", server.demoPassword);
    const grid = (await leader1.get("/api/v1/auth/me")).body.cells[0] as string;
    const before = (await leader1.get(`/api/v1/cells/${grid}/summary`)).body;
    const { rows } = await server.db.pool.query<{ lon: number; lat: number; parent: string }>(
      `SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat, parent_code AS parent
         FROM cells WHERE code = $1`,
      [grid],
    );
    const { lon, lat, parent } = rows[0]!;
    const reported = await leader1.post("/api/v1/incidents", {
      category: "environment",
      priority: "urgent",
      location: { lon, lat },
      description: "Cell page count",
    });
    expect(reported.status).toBe(201);
    const filed = await leader1.post("/api/v1/reports/daily", { cellCode: grid, nothingToReport: true });
    expect(filed.status).toBe(201);

    const after = (await leader1.get(`/api/v1/cells/${grid}/summary`)).body;
    expect(after.incidents.open).toBe(before.incidents.open + 1);
    expect(after.incidents.topPriority).toBe("urgent");
    expect(after.daily_report.latest).toMatchObject({ id: filed.body.id, nothingToReport: true, items: 0 });
    // The parent cell counts the grid's incidents too; reports belong to grids only.
    const above = (await admin.get(`/api/v1/cells/${parent}/summary`)).body;
    expect(above.incidents.open).toBeGreaterThanOrEqual(after.incidents.open);
    expect(above.daily_report).toEqual({ latest: null });
    // A technician sees the cell but neither incidents nor reports.
    const tech = await TestClient.loggedIn(server.url, "tech1", server.demoPassword);
    const seen = await tech.get(`/api/v1/cells/${grid}/summary`);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ incidents: null, daily_report: null });
  });
});
