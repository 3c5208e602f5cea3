import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClient } from "../../test-support/http-client.js";
import { startTestServer, type TestServer } from "../../test-support/test-server.js";

let server: TestServer;
let admin: TestClient;
let community: string;
let parentArea: number;

beforeAll(async () => {
  server = await startTestServer();
  admin = await TestClient.loggedIn(server.url, "admin", server.demoPassword);
  const { rows } = await server.db.pool.query<{ code: string; area: number }>(
    "SELECT code, ST_Area(geom::geography) AS area FROM cells WHERE level = 'community' ORDER BY code LIMIT 1",
  );
  community = rows[0]!.code;
  parentArea = rows[0]!.area;
  // Empty the community so it can be filled.
  await server.db.pool.query(
    "UPDATE cells SET retired_at = now(), version = version + 1 WHERE parent_code = $1 AND retired_at IS NULL",
    [community],
  );
});
afterAll(() => server?.close());

const sumArea = (features: { properties: { area_m2: number } }[]) =>
  features.reduce((a, f) => a + f.properties.area_m2, 0);

describe("generating cells in a parent", () => {
  for (const [shape, params] of [
    ["square", { size_m: 250 }],
    ["hexagon", { size_m: 150 }],
    ["h3", { resolution: 9 }],
  ] as const) {
    it(`previews ${shape} cells that exactly tile the parent`, async () => {
      const res = await admin.post(`/api/v1/cells/${community}/generate`, { shape, ...params });
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      expect(res.body.dry_run).toBe(true);
      expect(res.body.count).toBeGreaterThan(3);
      expect(res.body.report.ok).toBe(true);
      expect(res.body.report.problems.filter((p: { kind: string }) => p.kind === "coverage_gap")).toEqual([]);
      expect(Math.abs(sumArea(res.body.cells.features) - parentArea) / parentArea).toBeLessThan(1e-4);
      const { rows } = await server.db.pool.query(
        "SELECT 1 FROM cells WHERE parent_code = $1 AND retired_at IS NULL",
        [community],
      );
      expect(rows).toEqual([]);
    });
  }

  it("commits with generated codes, then refuses to fill the parent again", async () => {
    const res = await admin.post(`/api/v1/cells/${community}/generate`, {
      shape: "square",
      size_m: 250,
      commit: true,
      name_prefix: "方格",
    });
    expect(res.status).toBe(200);
    const codes = res.body.cells.features.map((f: { id: string }) => f.id);
    const { rows } = await server.db.pool.query<{ code: string }>(
      "SELECT code FROM cells WHERE parent_code = $1 AND retired_at IS NULL ORDER BY code",
      [community],
    );
    expect(rows.map((r) => r.code)).toEqual([...codes].sort());
    expect(codes.every((c: string) => c.startsWith(community.slice(0, 12)))).toBe(true);
    const again = await admin.post(`/api/v1/cells/${community}/generate`, { shape: "square", size_m: 250 });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("cell_has_children");
    const tooMany = await admin.post(`/api/v1/cells/${codes[0]}/generate`, { shape: "square", size_m: 10 });
    expect(tooMany.body.error.code).toBe("cell_is_leaf");
  });
});
