import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";

let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
});
afterAll(() => server?.close());

const q = async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  (await server.db.pool.query<T>(sql, params)).rows;

/** leader1's grid and a community next to its own (sharing a boundary). */
async function gridAndNeighbourCommunity() {
  const leader = await TestClient.loggedIn(server.url, "leader1", server.demoPassword);
  const grid = (await leader.get("/api/v1/auth/me")).body.cells[0] as string;
  const [row] = await q<{ from: string; to: string }>(
    `SELECT g.parent_code AS from, n.code AS to FROM cells g
       JOIN cells a ON a.code = g.parent_code
       JOIN cells n ON n.level = 'community' AND n.code <> a.code AND n.parent_code = a.parent_code AND ST_Touches(n.geom, g.geom)
      WHERE g.code = $1 LIMIT 1`,
    [grid],
  );
  return { leader, grid, ...row! };
}

describe("moving a cell under another parent", () => {
  it("refuses a move that would leave the cell outside its new parent, writing nothing", async () => {
    const { grid, to } = await gridAndNeighbourCommunity();
    const res = await admin.post(`/api/v1/cells/${grid}/move`, { parent_code: to });
    expect(res.status).toBe(422);
    expect(res.body.error.details.report.problems[0]).toMatchObject({
      kind: "outside_parent",
      parent_code: to,
    });
    expect(await q("SELECT 1 FROM cells WHERE code = $1 AND retired_at IS NULL", [grid])).toHaveLength(1);
  });

  it("re-codes the cell under the new parent, keeps history and remaps the people and scopes", async () => {
    const { leader, grid, from, to } = await gridAndNeighbourCommunity();
    // Redraw the boundary first (as an import would): the new parent takes in the grid, the old one gives it up.
    await server.db.pool.query(
      `UPDATE cells SET geom = ST_Multi(ST_Union(geom, (SELECT geom FROM cells WHERE code = $1))), version = version + 1 WHERE code = $2`,
      [grid, to],
    );
    const before = new Date();
    await new Promise((r) => setTimeout(r, 20));
    const preview = await admin.post(`/api/v1/cells/${grid}/move`, { parent_code: to, dry_run: true });
    expect(preview.status, preview.text.slice(0, 400)).toBe(200);
    expect(preview.body).toMatchObject({ dry_run: true, retired: [grid] });
    const previewCode = preview.body.cells[0].id as string;
    expect(await q("SELECT 1 FROM cells WHERE code = $1", [previewCode])).toEqual([]);
    expect(await q("SELECT 1 FROM cells WHERE code = $1 AND retired_at IS NULL", [grid])).toHaveLength(1);
    const res = await admin.post(`/api/v1/cells/${grid}/move`, { parent_code: to });
    expect(res.status, res.text.slice(0, 400)).toBe(200);
    const newCode = res.body.cells[0].id as string;
    expect(newCode).toBe(previewCode); // the preview names the code the move will take
    expect(newCode.slice(0, 12)).toBe(to.slice(0, 12));
    expect(res.body.retired).toEqual([grid]);
    const [old] = await q<{ successors: string[]; retired: boolean }>(
      "SELECT successor_codes AS successors, retired_at IS NOT NULL AS retired FROM cells WHERE code = $1",
      [grid],
    );
    expect(old).toEqual({ successors: [newCode], retired: true });
    // leader1's scope followed the grid.
    expect((await leader.get("/api/v1/auth/me")).body.cells).toEqual([newCode]);
    expect((await leader.get(`/api/v1/cells/${newCode}`)).status).toBe(200);
    // History: the old code as it was, and the grid at a point then and now.
    const then = await admin.get(`/api/v1/cell-at?at=${before.toISOString()}&code=${grid}`);
    expect(then.body).toMatchObject({ code: grid, parent_code: from });
    const [pt] = await q<{ x: number; y: number }>(
      "SELECT ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y FROM cells WHERE code = $1",
      [newCode],
    );
    expect(
      (await admin.get(`/api/v1/cell-at?at=${before.toISOString()}&lon=${pt!.x}&lat=${pt!.y}`)).body.code,
    ).toBe(grid);
    expect(
      (await admin.get(`/api/v1/cell-at?at=${new Date().toISOString()}&lon=${pt!.x}&lat=${pt!.y}`)).body.code,
    ).toBe(newCode);
    const history = await admin.get(`/api/v1/cells/${grid}/history`);
    expect(history.body.versions.map((v: { valid_to: string | null }) => v.valid_to !== null)).toEqual([
      true,
    ]);
    const [audit] = await q<{ action: string; details: { new_code: string } }>(
      "SELECT action, details FROM audit_log WHERE target_id = $1 ORDER BY id DESC LIMIT 1",
      [grid],
    );
    expect(audit).toMatchObject({ action: "cell.move", details: { new_code: newCode } });
    const bad = await admin.get(`/api/v1/cell-at?at=${before.toISOString()}`);
    expect(bad.body.error.code).toBe("cell_at_target");
  });
});
