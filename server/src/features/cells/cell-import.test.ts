import { readCellFile, safeUnzip, writeCellFile, zipFiles } from "@gridops/gis-data/io/index";
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

async function snapshot() {
  const [s] = await q<{ cells: number; versions: number; imports: number }>(
    `SELECT (SELECT count(*)::int FROM cells) AS cells, (SELECT count(*)::int FROM cell_versions) AS versions,
            (SELECT count(*)::int FROM audit_log WHERE action = 'cell.import') AS imports`,
  );
  return s!;
}

async function exportFile(code: string, format: string, crs = "EPSG:4326"): Promise<Uint8Array> {
  const res = await fetch(`${server.url}/api/v1/cells/${code}/export?format=${format}&crs=${crs}`, {
    headers: {
      cookie: (admin as unknown as { cookies: Map<string, string> }).cookies ? cookieOf(admin) : "",
    },
  });
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

function cookieOf(client: TestClient): string {
  return [...(client as unknown as { cookies: Map<string, string> }).cookies]
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");
}

async function upload(bytes: Uint8Array, root: string, extra = "") {
  const res = await admin.request("POST", `/api/v1/cell-imports?root=${root}${extra}`, bytes, {
    "content-type": "application/octet-stream",
  });
  expect(res.status, res.text).toBe(202);
  let status = res.body.status as string;
  let body: {
    status: string;
    report: {
      ok: boolean;
      add: string[];
      change: string[];
      retire: string[];
      unchanged: number;
      rows: { row: number; error: string; message: string }[];
    };
    error: { code: string; message: string } | null;
    progress: unknown;
  } = res.body;
  for (let i = 0; i < 200 && (status === "parsing" || status === "checking"); i++) {
    await new Promise((r) => setTimeout(r, 50));
    body = (await admin.get(`/api/v1/cell-imports/${res.body.id}`)).body;
    status = body.status;
  }
  return { id: res.body.id as number, ...body };
}

describe("cell import: dry run, apply, re-import", () => {
  it("re-importing an export (each format) changes nothing", async () => {
    const [street] = await q<{ code: string }>(
      "SELECT code FROM cells WHERE level = 'street' ORDER BY code LIMIT 1",
    );
    for (const [format, crs] of [
      ["geopackage", "EPSG:4326"],
      ["shapefile", "EPSG:3857"],
      ["geojson", "EPSG:4490"],
    ] as const) {
      const before = await snapshot();
      const file = await exportFile(street!.code, format, crs);
      const dry = await upload(file, street!.code);
      expect(dry.status, JSON.stringify(dry.error ?? dry.report?.rows)).toBe("ready");
      expect(dry.report).toMatchObject({ ok: true, add: [], change: [], retire: [] });
      expect(dry.report.unchanged).toBeGreaterThan(10);
      const applied = await admin.post(`/api/v1/cell-imports/${dry.id}/apply`);
      expect(applied.status).toBe(200);
      const after = await snapshot();
      expect({ ...after, imports: before.imports }).toEqual(before);
      expect(after.imports).toBe(before.imports + 1);
      const again = await admin.post(`/api/v1/cell-imports/${dry.id}/apply`);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe("import_not_ready");
    }
  });

  it("reports adds, changes and retirements, and applies them in one transaction", async () => {
    const [community] = await q<{ code: string }>(
      "SELECT code FROM cells WHERE level = 'community' ORDER BY code DESC LIMIT 1",
    );
    const { cells } = await readCellFile(await exportFile(community!.code, "geojson"));
    const grids = cells.filter((c) => c.level === "grid");
    const [dropped, renamed] = grids;
    const edited = cells
      .filter((c) => c.code !== dropped!.code && c.code !== community!.code)
      .map((c) => (c.code === renamed!.code ? { ...c, name: "改名 Renamed" } : c));
    const file = await writeCellFile(edited, "geojson");
    const dry = await upload(file.bytes, community!.code);
    expect(dry.status).toBe("ready");
    expect(dry.report).toMatchObject({ ok: true, add: [], change: [renamed!.code], retire: [dropped!.code] });
    const before = await snapshot();
    const res = await admin.post(`/api/v1/cell-imports/${dry.id}/apply`);
    expect(res.status).toBe(200);
    const [state] = await q<{ retired: boolean; name: string }>(
      `SELECT (SELECT retired_at IS NOT NULL FROM cells WHERE code = $1) AS retired, (SELECT name FROM cells WHERE code = $2) AS name`,
      [dropped!.code, renamed!.code],
    );
    expect(state).toEqual({ retired: true, name: "改名 Renamed" });
    expect((await snapshot()).versions).toBe(before.versions + 1);
  });

  it("rejects a file with bad rows, naming each, and writes nothing", async () => {
    const [community] = await q<{ code: string }>(
      "SELECT code FROM cells WHERE level = 'community' ORDER BY code LIMIT 1",
    );
    const { cells } = await readCellFile(await exportFile(community!.code, "geojson"));
    const grids = cells.filter((c) => c.level === "grid");
    const before = await snapshot();
    const dup = [...grids, { ...grids[0]!, row: grids.length + 1 }];
    const duplicate = await upload((await writeCellFile(dup, "geojson")).bytes, community!.code);
    expect(duplicate.status).toBe("rejected");
    expect(duplicate.report.rows[0]).toMatchObject({ row: grids.length + 1, error: "duplicate_code" });
    const foreign = grids.map((g, i) =>
      i === 2 ? { ...g, code: "110101001001001", parent_code: "110101001001000" } : g,
    );
    const outside = await upload((await writeCellFile(foreign, "geojson")).bytes, community!.code);
    expect(outside.status).toBe("rejected");
    expect(outside.report.rows).toEqual([expect.objectContaining({ row: 3, error: "code_outside_root" })]);
    const wrongParent = grids.map((g, i) => (i === 1 ? { ...g, parent_code: "330199001002000" } : g));
    const prefix = await upload((await writeCellFile(wrongParent, "geojson")).bytes, community!.code);
    expect(prefix.report.rows[0]).toMatchObject({ row: 2, error: "code_outside_parent_prefix" });
    const moved = grids.map((g, i) => (i === 0 ? { ...g, geometry: grids[1]!.geometry } : g));
    const overlap = await upload((await writeCellFile(moved, "geojson")).bytes, community!.code);
    expect(overlap.status).toBe("rejected");
    expect(JSON.stringify(overlap.report)).toContain("sibling_overlap");
    const broken = await upload(
      new TextEncoder().encode("SQLite format 3\u0000garbage".padEnd(2048, "x")),
      community!.code,
    );
    expect(broken.status).toBe("rejected");
    expect(broken.error?.code).toMatch(/^geopackage_/);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses zip bombs and a Shapefile without .prj over HTTP, and takes it once the CRS is stated", async () => {
    const [community] = await q<{ code: string }>(
      "SELECT code FROM cells WHERE level = 'community' ORDER BY code LIMIT 1",
    );
    const before = await snapshot();
    const bomb = zipFiles({ "cells.shp": new Uint8Array(30 * 1024 * 1024) });
    const refused = await upload(bomb, community!.code);
    expect(refused.status).toBe("rejected");
    expect(refused.error?.code).toBe("zip_bomb");
    const parts = safeUnzip(await exportFile(community!.code, "shapefile"), (name) => !name.endsWith(".prj"));
    const noPrj = zipFiles(Object.fromEntries(parts));
    const missing = await upload(noPrj, community!.code);
    expect(missing.error?.code).toBe("shapefile_missing_prj");
    const stated = await upload(noPrj, community!.code, "&crs=EPSG:4326");
    expect(stated.status).toBe("ready");
    expect(stated.report).toMatchObject({ ok: true, add: [], change: [], retire: [] });
    expect(stated.progress).toMatchObject({ phase: "done" });
    expect(await snapshot()).toEqual(before);
  });

  it("exports only within the caller's cells", async () => {
    const leader = await TestClient.loggedIn(server.url, "leader1", server.demoPassword);
    const mine = (await leader.get("/api/v1/auth/me")).body.cells[0] as string;
    const [other] = await q<{ code: string }>(
      "SELECT code FROM cells WHERE level = 'grid' AND code <> $1 LIMIT 1",
      [mine],
    );
    expect((await leader.get(`/api/v1/cells/${other!.code}/export`)).status).toBe(403);
    const own = await leader.get(`/api/v1/cells/${mine}/export?format=geojson`);
    expect(own.status).toBe(200);
    expect(own.headers.get("content-disposition")).toContain(`cells-${mine}.geojson`);
    const parsed = await readCellFile(new TextEncoder().encode(own.text));
    expect(parsed.cells.map((c) => c.code)).toEqual([mine]);
    const bad = await leader.get(`/api/v1/cells/${mine}/export?format=kml`);
    expect(bad.status).toBe(400);
  });
});
