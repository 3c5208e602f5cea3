import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";
import { cellAt } from "./cell-history.js";

let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
});
afterAll(() => server?.close());

const q = async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  (await server.db.pool.query<T>(sql, params)).rows;

async function gridWithNeighbour(): Promise<{ code: string; parent: string; other: string }> {
  const rows = await q<{ code: string; parent: string; other: string }>(
    `SELECT a.code, a.parent_code AS parent, b.code AS other FROM cells a JOIN cells b
       ON b.parent_code = a.parent_code AND b.code > a.code AND ST_Relate(a.geom, b.geom, 'F***1****')
      WHERE a.level = 'grid' AND a.retired_at IS NULL AND b.retired_at IS NULL
      ORDER BY a.code DESC LIMIT 1`,
  );
  return rows[0]!;
}

async function counts() {
  const [c] = await q<{ cells: number; versions: number; audit: number; outbox: number }>(
    `SELECT (SELECT count(*)::int FROM cells) AS cells, (SELECT count(*)::int FROM cell_versions) AS versions,
            (SELECT count(*)::int FROM audit_log) AS audit, (SELECT count(*)::int FROM outbox) AS outbox`,
  );
  return c!;
}

const square = (x: number, y: number, d: number) => ({
  type: "Polygon",
  coordinates: [
    [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ],
  ],
});

describe("cell editing API", () => {
  it("the demo district passes its own topology check", async () => {
    const [district] = await q<{ code: string }>("SELECT code FROM cells WHERE level = 'district'");
    const res = await admin.get(`/api/v1/cells/${district!.code}/check`);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.problems.filter((p: { severity: string }) => p.severity === "error")).toEqual([]);
  });

  it("proposes the next free child code, never a retired one", async () => {
    const [c] = await q<{ code: string; max: string }>(
      `SELECT p.code, max(k.code) AS max FROM cells p JOIN cells k ON k.parent_code = p.code
        WHERE p.level = 'community' GROUP BY p.code ORDER BY p.code LIMIT 1`,
    );
    const res = await admin.get(`/api/v1/cells/${c!.code}/next-child-code`);
    expect(res.status).toBe(200);
    const expected = (BigInt(c!.max) + 1n).toString();
    expect(res.body).toEqual({ code: expected, level: "grid" });
    const leaf = await admin.get(`/api/v1/cells/${c!.max}/next-child-code`);
    expect(leaf.status).toBe(400);
    expect(leaf.body.error.code).toBe("cell_is_leaf");
  });

  it("renames with a new version, audit row and outbox event; cellAt keeps the old version", async () => {
    const { code } = await gridWithNeighbour();
    const before = await counts();
    const t0 = new Date();
    await new Promise((r) => setTimeout(r, 20));
    const res = await admin.patch(`/api/v1/cells/${code}`, { name: "新名字 New name", expected_version: 1 });
    expect(res.status).toBe(200);
    expect(res.body.cells[0].properties).toMatchObject({ code, name: "新名字 New name", version: 2 });
    const after = await counts();
    expect(after.audit - before.audit).toBe(1);
    expect(after.versions - before.versions).toBe(1);
    expect(after.outbox - before.outbox).toBe(1);
    const [audit] = await q<{ action: string; actor: string; target_id: string }>(
      "SELECT action, actor, target_id FROM audit_log ORDER BY id DESC LIMIT 1",
    );
    expect(audit).toEqual({ action: "cell.update", actor: "admin", target_id: code });
    expect((await cellAt(server.db.pool, code, t0))?.name).not.toBe("新名字 New name");
    expect((await cellAt(server.db.pool, code, new Date()))?.name).toBe("新名字 New name");
    const stale = await admin.patch(`/api/v1/cells/${code}`, { name: "x", expected_version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe("cell_version_conflict");
  });

  it("previews a new child and a redrawn boundary with dry_run: the report comes back, nothing is written", async () => {
    const { code, parent } = await gridWithNeighbour();
    const before = await counts();
    const [shape] = await q<{ geometry: unknown }>(
      "SELECT ST_AsGeoJSON(geom)::json AS geometry FROM cells WHERE code = $1",
      [code],
    );
    // Redrawing with its own shape: valid, so the preview answers 200 with the report.
    const preview = await admin.patch(`/api/v1/cells/${code}`, { geometry: shape!.geometry, dry_run: true });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ dry_run: true, report: { ok: true } });
    // A child drawn over an existing sibling: the preview names the overlap, still writes nothing.
    const overlap = await admin.post(`/api/v1/cells/${parent}/children`, {
      name: "预览 Preview",
      geometry: shape!.geometry,
      dry_run: true,
    });
    expect(overlap.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(overlap.body)).toContain("overlap");
    expect(await counts()).toEqual(before);
  });

  it("splits a grid by a line and merges it back, conserving area", async () => {
    const { code, parent } = await gridWithNeighbour();
    const [box] = await q<{ x: number; y0: number; y1: number }>(
      `SELECT ST_X(ST_Centroid(geom)) AS x, ST_YMin(geom) - 0.01 AS y0, ST_YMax(geom) + 0.01 AS y1 FROM cells WHERE code = $1`,
      [code],
    );
    const line = {
      type: "LineString",
      coordinates: [
        [box!.x, box!.y0],
        [box!.x, box!.y1],
      ],
    };
    const preview = await admin.post(`/api/v1/cells/${code}/split`, { line, dry_run: true });
    expect(preview.status).toBe(200);
    expect(preview.body.dry_run).toBe(true);
    expect(preview.body.cells).toHaveLength(2);
    expect(
      await q("SELECT 1 FROM cells WHERE parent_code = $1 AND code = $2", [parent, preview.body.cells[1].id]),
    ).toEqual([]);

    const split = await admin.post(`/api/v1/cells/${code}/split`, { line });
    expect(split.status).toBe(200);
    const [kept, added] = split.body.cells;
    expect(kept.id).toBe(code);
    expect(added.id.startsWith(parent.slice(0, 12))).toBe(true);
    expect(
      Math.abs(split.body.area_after_m2 - split.body.area_before_m2) / split.body.area_before_m2,
    ).toBeLessThan(1e-5);
    expect(split.body.report.ok).toBe(true);
    // Cameras follow the new boundary: each now names the grid that covers it.
    const placed = await q<{ id: string; cell_code: string; owner: string }>(
      `SELECT c.id, c.cell_code, (SELECT g.code FROM cells g WHERE g.level = 'grid' AND g.retired_at IS NULL
                                   AND ST_Covers(g.geom, c.geom) ORDER BY g.code LIMIT 1) AS owner
         FROM cameras c WHERE c.cell_code = ANY($1::text[])`,
      [[code, added.id]],
    );
    expect(placed.length).toBeGreaterThan(0);
    for (const camera of placed) expect(camera.cell_code, camera.id).toBe(camera.owner);

    const merge = await admin.post(`/api/v1/cells/${code}/merge`, { with: [added.id] });
    expect(merge.status, JSON.stringify(merge.body).slice(0, 600)).toBe(200);
    expect(merge.body.retired).toEqual([added.id]);
    expect(
      Math.abs(merge.body.area_after_m2 - merge.body.area_before_m2) / merge.body.area_before_m2,
    ).toBeLessThan(1e-5);
    const [state] = await q<{ retired: boolean; successors: string[] }>(
      "SELECT retired_at IS NOT NULL AS retired, successor_codes AS successors FROM cells WHERE code = $1",
      [added.id],
    );
    expect(state).toEqual({ retired: true, successors: [code] });
    expect(await q("SELECT id FROM cameras WHERE cell_code = $1", [added.id])).toEqual([]);
    expect(await q("SELECT id FROM checkpoints WHERE cell_code = $1", [added.id])).toEqual([]);
    const actions = await q<{ action: string }>(
      "SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id",
      [code],
    );
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(["cell.split", "cell.merge"]));
    // The live events tell a client holding an old code where its area went.
    const events = await q<{ cell: string; change: string; successors: string[] }>(
      `SELECT payload->>'cellCode' AS cell, payload->>'change' AS change,
              ARRAY(SELECT jsonb_array_elements_text(payload->'successors')) AS successors
         FROM outbox WHERE topic = 'cell.changed' AND payload->>'cellCode' = ANY($1::text[]) ORDER BY id`,
      [[code, added.id]],
    );
    expect(events).toEqual(
      expect.arrayContaining([
        { cell: code, change: "updated", successors: [code, added.id] },
        { cell: added.id, change: "retired", successors: [code] },
      ]),
    );
  });

  it("refuses a split line that misses the cell and merging cells that don't touch", async () => {
    const { code } = await gridWithNeighbour();
    const miss = await admin.post(`/api/v1/cells/${code}/split`, {
      line: {
        type: "LineString",
        coordinates: [
          [0, 0],
          [0.1, 0.1],
        ],
      },
    });
    expect(miss.status).toBe(422);
    expect(miss.body.error.code).toBe("split_line_does_not_split");
    const [far] = await q<{ a: string; b: string }>(
      `SELECT a.code AS a, b.code AS b FROM cells a JOIN cells b ON b.parent_code = a.parent_code AND b.code > a.code
        WHERE a.level = 'grid' AND a.retired_at IS NULL AND b.retired_at IS NULL AND NOT ST_Intersects(a.geom, b.geom) LIMIT 1`,
    );
    const res = await admin.post(`/api/v1/cells/${far!.a}/merge`, { with: [far!.b] });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("merge_not_adjacent");
  });

  it("retires a grid (gap warning), keeps its history, and re-creating it takes a new code", async () => {
    const { code, parent } = await gridWithNeighbour();
    const [g] = await q<{ geometry: { type: string; coordinates: unknown }; x: number; y: number }>(
      `SELECT ST_AsGeoJSON(geom, 15)::json AS geometry, ST_X(ST_PointOnSurface(geom)) AS x, ST_Y(ST_PointOnSurface(geom)) AS y
         FROM cells WHERE code = $1`,
      [code],
    );
    const beforeRetire = new Date();
    await new Promise((r) => setTimeout(r, 20));
    const outboxBefore = await q<{ n: number }>("SELECT count(*)::int AS n FROM outbox");
    const preview = await admin.post(`/api/v1/cells/${code}/retire`, { reason: "redrawn", dry_run: true });
    expect(preview.status).toBe(200);
    expect(preview.body.dry_run).toBe(true);
    expect(preview.body.report.problems.map((p: { kind: string }) => p.kind)).toContain("coverage_gap");
    expect((await admin.get(`/api/v1/cells/${code}`)).status).toBe(200);
    expect(await q<{ n: number }>("SELECT count(*)::int AS n FROM outbox")).toEqual(outboxBefore);
    const retired = await admin.post(`/api/v1/cells/${code}/retire`, { reason: "redrawn" });
    expect(retired.status).toBe(200);
    expect(retired.body.dry_run).toBe(false);
    expect(retired.body.report.problems.map((p: { kind: string }) => p.kind)).toContain("coverage_gap");
    expect((await admin.get(`/api/v1/cells/${code}`)).status).toBe(404);
    const then = await cellAt(server.db.pool, { lon: g!.x, lat: g!.y }, beforeRetire);
    expect(then?.code).toBe(code);
    expect(await cellAt(server.db.pool, { lon: g!.x, lat: g!.y }, new Date())).toBeNull();

    const taken = await admin.post(`/api/v1/cells/${parent}/children`, {
      code,
      name: "again",
      geometry: g!.geometry,
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe("cell_code_taken");
    const created = await admin.post(`/api/v1/cells/${parent}/children`, {
      name: "重建 Rebuilt",
      geometry: g!.geometry,
    });
    expect(created.status).toBe(201);
    expect(created.body.cells[0].id).not.toBe(code);
    expect(created.body.report.problems).toEqual([]);
    expect((await cellAt(server.db.pool, { lon: g!.x, lat: g!.y }, new Date()))?.code).toBe(
      created.body.cells[0].id,
    );
  });

  it("lists accepted gaps and takes one back (audited): the gap is reported again", async () => {
    // A grid away from those the other tests here edit (the first and the last ones).
    const [grid] = await q<{ code: string; parent: string; geometry: unknown }>(
      `SELECT code, parent_code AS parent, ST_AsGeoJSON(geom, 15)::json AS geometry FROM cells
        WHERE level = 'grid' AND retired_at IS NULL ORDER BY code DESC OFFSET 10 LIMIT 1`,
    );
    const { code, parent, geometry } = grid!;
    const gapKinds = (r: { body: { report: { problems: { kind: string }[] } } }) =>
      r.body.report.problems.map((p) => p.kind).filter((k) => k === "coverage_gap");
    expect(gapKinds(await admin.post(`/api/v1/cells/${code}/retire`, { reason: "reservoir" }))).toEqual([
      "coverage_gap",
    ]);
    const accepted = await admin.post(`/api/v1/cells/${parent}/accepted-gaps`, {
      geometry,
      reason: "水库 reservoir",
    });
    expect(accepted.status).toBe(201);
    expect(gapKinds(accepted)).toEqual([]);

    const listed = await admin.get(`/api/v1/cells/${parent}/accepted-gaps`);
    expect(listed.status).toBe(200);
    expect(listed.body.features).toEqual([
      expect.objectContaining({
        id: accepted.body.id,
        geometry: expect.objectContaining({ type: "MultiPolygon" }),
        properties: expect.objectContaining({ reason: "水库 reservoir", accepted_by: "admin" }),
      }),
    ]);

    const leader = await TestClient.loggedIn(server.url, "leader1", server.demoPassword);
    expect(
      (await leader.request("DELETE", `/api/v1/cells/${parent}/accepted-gaps/${accepted.body.id}`)).status,
    ).toBe(403);
    const removed = await admin.request(
      "DELETE",
      `/api/v1/cells/${parent}/accepted-gaps/${accepted.body.id}`,
    );
    expect(removed.status).toBe(200);
    expect(gapKinds(removed)).toEqual(["coverage_gap"]);
    expect((await admin.get(`/api/v1/cells/${parent}/accepted-gaps`)).body.features).toEqual([]);
    const audit = await q<{ details: { gap_id: number; reason: string } }>(
      "SELECT details FROM audit_log WHERE action = 'cell.remove_accepted_gap' AND target_id = $1",
      [parent],
    );
    expect(audit.map((a) => a.details)).toEqual([{ gap_id: accepted.body.id, reason: "水库 reservoir" }]);
    const again = await admin.request("DELETE", `/api/v1/cells/${parent}/accepted-gaps/${accepted.body.id}`);
    expect(again.status).toBe(404);
    expect((await admin.request("DELETE", `/api/v1/cells/${parent}/accepted-gaps/abc`)).status).toBe(400);
  });

  it("rejects bad input with a specific error and writes nothing", async () => {
    const { code, parent } = await gridWithNeighbour();
    const before = await counts();
    const cases: [unknown, number, string, string?][] = [
      [
        { name: "p", geometry: { type: "Point", coordinates: [120, 30] } },
        400,
        "invalid_body",
        "body.geometry.type",
      ],
      [
        { name: "p", geometry: square(120, 91, 0.01) },
        400,
        "invalid_body",
        "body.geometry.coordinates.0.0.1",
      ],
      [
        {
          name: "p",
          geometry: {
            type: "Polygon",
            coordinates: [
              [
                [120, "NaN"],
                [121, 30],
                [121, 31],
                [120, 30],
              ],
            ],
          },
        },
        400,
        "invalid_body",
      ],
      [
        { name: "p", code: "110000001002003", geometry: square(120, 30, 0.001) },
        400,
        "code_outside_parent_prefix",
      ],
      [{ name: "p", code: `${parent.slice(0, 12)}12`, geometry: square(120, 30, 0.001) }, 400, "code_format"],
      [{ name: "p", code, geometry: square(120, 30, 0.001) }, 409, "cell_code_taken"],
    ];
    for (const [body, status, errorCode, field] of cases) {
      const res = await admin.post(`/api/v1/cells/${parent}/children`, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.code).toBe(errorCode);
      if (field) expect(res.body.error.details.problems[0].field).toBe(field);
    }
    // A bow-tie is refused with GEOS's reason and where it is.
    const bowtie = {
      type: "Polygon",
      coordinates: [
        [
          [120, 30],
          [120.01, 30.01],
          [120.01, 30],
          [120, 30.01],
          [120, 30],
        ],
      ],
    };
    const invalid = await admin.post(`/api/v1/cells/${parent}/children`, { name: "p", geometry: bowtie });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe("invalid_geometry");
    expect(invalid.body.error.details.report.problems[0].location.coordinates).toEqual([120.005, 30.005]);
    // A grid laid over its siblings overlaps them.
    const [sib] = await q<{ geometry: unknown }>(
      "SELECT ST_AsGeoJSON(geom)::json AS geometry FROM cells WHERE code = $1",
      [code],
    );
    const overlap = await admin.post(`/api/v1/cells/${parent}/children`, {
      name: "p",
      geometry: sib!.geometry,
    });
    expect(overlap.status).toBe(422);
    expect(overlap.body.error.code).toBe("topology_violation");
    expect(
      overlap.body.error.details.report.problems.some(
        (p: { kind: string; other_code: string }) => p.kind === "sibling_overlap" && p.other_code === code,
      ),
    ).toBe(true);
    // Far outside the parent.
    const outside = await admin.post(`/api/v1/cells/${parent}/children`, {
      name: "p",
      geometry: square(10, 10, 0.001),
    });
    expect(outside.status).toBe(422);
    expect(outside.body.error.details.report.problems[0].kind).toBe("outside_parent");
    expect(await counts()).toEqual(before);
  });

  it("lets a grid leader rename only their own grid, and not redraw it (403)", async () => {
    const leader = await TestClient.loggedIn(server.url, "leader2", server.demoPassword);
    const mine = (await leader.get("/api/v1/auth/me")).body.cells[0] as string;
    const [other] = await q<{ code: string }>(
      "SELECT code FROM cells WHERE level = 'grid' AND retired_at IS NULL AND code <> $1 LIMIT 1",
      [mine],
    );
    const before = await counts();
    const foreign = await leader.patch(`/api/v1/cells/${other!.code}`, { name: "hijack" });
    expect(foreign.status).toBe(403);
    const [geom] = await q<{ geometry: unknown }>(
      "SELECT ST_AsGeoJSON(geom)::json AS geometry FROM cells WHERE code = $1",
      [mine],
    );
    const redraw = await leader.patch(`/api/v1/cells/${mine}`, { geometry: geom!.geometry });
    expect(redraw.status).toBe(403);
    expect(await leader.post(`/api/v1/cells/${mine}/retire`, { reason: "x" }).then((r) => r.status)).toBe(
      403,
    );
    expect(await counts()).toEqual(before);
    const rename = await leader.patch(`/api/v1/cells/${mine}`, { name: "我的网格 My grid" });
    expect(rename.status).toBe(200);
    const [audit] = await q<{ actor: string; action: string }>(
      "SELECT actor, action FROM audit_log ORDER BY id DESC LIMIT 1",
    );
    expect(audit).toEqual({ actor: "leader2", action: "cell.update" });
  });
});

describe("batch update", () => {
  it("moves a shared boundary between two grids that single edits cannot", async () => {
    const [pair] = await q<{ a: string; b: string; a2: unknown; b2: unknown; area: number }>(
      `WITH p AS (
         SELECT a.code AS a, b.code AS b, a.geom AS ag, b.geom AS bg FROM cells a JOIN cells b
             ON b.parent_code = a.parent_code AND b.code > a.code AND ST_Relate(a.geom, b.geom, 'F***1****')
          WHERE a.level = 'grid' AND a.retired_at IS NULL AND b.retired_at IS NULL LIMIT 1
       ), pieces AS (
         SELECT p.*, d.geom AS piece FROM p, LATERAL ST_Dump(ST_Split(p.bg, ST_SetSRID(ST_MakeLine(
             ST_MakePoint(ST_X(ST_Centroid(p.bg)), ST_YMin(p.bg) - 1), ST_MakePoint(ST_X(ST_Centroid(p.bg)), ST_YMax(p.bg) + 1)), 4326))) d
       ), chosen AS (
         SELECT * FROM pieces ORDER BY ST_Length(ST_Intersection(ST_Boundary(piece), ST_Boundary(ag))) DESC LIMIT 1
       )
       SELECT a, b, ST_AsGeoJSON(ST_Union(ag, piece), 15)::json AS a2,
              ST_AsGeoJSON(ST_Difference(bg, piece), 15)::json AS b2,
              ST_Area(ag::geography) + ST_Area(bg::geography) AS area
         FROM chosen`,
    );
    const { a, b, a2, b2, area } = pair!;
    const alone = await admin.patch(`/api/v1/cells/${a}`, { geometry: a2 });
    expect(alone.status).toBe(422);
    expect(alone.body.error.code).toBe("topology_violation");
    const before = await counts();
    const res = await admin.post("/api/v1/cells/batch-update", {
      changes: [
        { code: a, geometry: a2 },
        { code: b, geometry: b2 },
      ],
    });
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(res.body.report.ok).toBe(true);
    const after = res.body.cells.reduce(
      (s: number, f: { properties: { area_m2: number } }) => s + f.properties.area_m2,
      0,
    );
    expect(Math.abs(after - area) / area).toBeLessThan(1e-5);
    const now = await counts();
    expect(now.audit - before.audit).toBe(2);
    expect(now.versions - before.versions).toBe(2);
    const leader = await TestClient.loggedIn(server.url, "leader3", server.demoPassword);
    const denied = await leader.post("/api/v1/cells/batch-update", { changes: [{ code: a, name: "x" }] });
    expect(denied.status).toBe(403);
  });
});
